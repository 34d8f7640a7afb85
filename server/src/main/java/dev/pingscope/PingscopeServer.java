package dev.pingscope;

import dev.pingscope.datagram.DatagramListener;
import dev.pingscope.datagram.DatagramService;
import dev.pingscope.datagram.DatagramSettings;
import dev.pingscope.datagram.UdpEchoApi;
import dev.pingscope.http.ApiCors;
import dev.pingscope.http.BodiesFirst;
import dev.pingscope.http.BodyLimits;
import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.Listening;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.PageFiles;
import dev.pingscope.http.PoolHandoff;
import dev.pingscope.http.Readiness;
import dev.pingscope.http.RequestHeaderDeadline;
import dev.pingscope.http.RequestOrigin;
import dev.pingscope.http.TrustedProxies;
import dev.pingscope.intake.IntakeHandler;
import dev.pingscope.intake.IntakePolicy;
import dev.pingscope.intake.SampleBatchParser;
import dev.pingscope.load.LoadHandler;
import dev.pingscope.metrics.Metrics;
import dev.pingscope.metrics.MetricsHandler;
import dev.pingscope.pauses.PausesHandler;
import dev.pingscope.ping.PingHandler;
import dev.pingscope.recording.HiccupRecorder;
import dev.pingscope.recording.HistogramStore;
import dev.pingscope.recording.IntervalReporter;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.results.Results;
import dev.pingscope.sample.Sites;
import dev.pingscope.servers.ServersApi;
import dev.pingscope.tls.HttpsRedirect;
import dev.pingscope.tls.TlsListeners;
import dev.pingscope.websocket.ProbeUpgradeHandler;
import dev.pingscope.websocket.WebSocketAdmission;
import dev.pingscope.websocket.WebSocketProbes;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Server;

/**
 * The composition root: builds every part of a pingscope server from its configuration and wires them
 * together; the parts decide everything else. {@link #create} builds without starting; {@link #start}
 * listens; {@link #shutdown} drains gracefully; {@link #stop} ends it all at once.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.defaults(); // port 7070 on every address; see ServerConfig
 * PingscopeServer server = PingscopeServer.create(config).start();
 * URI ping = URI.create("http://localhost:" + server.port() + "/ping");
 * }</pre>
 */
public final class PingscopeServer implements AutoCloseable {
    private final ServerConfig config;
    private final Readiness readiness = new Readiness();
    private final IntervalReporter reporter;
    /** The server's own pauses: runs from start() to stop(), beside the probes it may delay. */
    private final HiccupRecorder hiccups = new HiccupRecorder();
    private final WebSocketProbes webSockets;
    private final Metrics metrics;
    private final RequestHeaderDeadline headerDeadline;
    private final TlsListeners tlsListeners = new TlsListeners();
    private final LoadHandler loadEndpoints;
    private final Javalin app;
    private final Javalin adminApp;
    private final OriginPolicy origins;
    /** The udp_echo listener, started after the main port (its number may be the UDP port); null when there is none. */
    private volatile DatagramService datagrams;
    /** Why there is no udp_echo listener: off, not started yet (the main port comes first), or could not start. */
    private volatile String datagramsUnavailable;
    /** Saved results; empty with --results=false. */
    private final Optional<Results> results;

    private PingscopeServer(ServerConfig config) {
        this.config = config;
        this.datagramsUnavailable = "udp_echo is starting: ask again in a moment";
        Sites sites = Sites.of(config.origins().sites());
        RttRecorders recorders = new RttRecorders(sites);
        Path hlogDir = config.recording().hlogDir();
        this.reporter = new IntervalReporter(recorders, hiccups, config.http().instance(), config.regions().region(), Clock.systemUTC(),
                hlogDir == null ? null : HistogramStore.open(hlogDir));
        Metrics metrics = new Metrics(BuildVersion.current(), config.regions().region(), recorders.series());
        this.metrics = metrics;
        this.webSockets = new WebSocketProbes(recorders, metrics::pingLost, metrics.kernelRtt("ws"), config.webSocket(),
                config.http().instance());
        metrics.exportOpenSessions(webSockets::openSessions);
        reporter.onInterval(metrics.rtt()::update);
        reporter.onHiccups(metrics.hiccups()::update);
        this.headerDeadline = new RequestHeaderDeadline(config.http().requestHeaderTimeout());

        OriginPolicy origins = new OriginPolicy(config.origins().allowedOrigins());
        this.origins = origins;
        TrustedProxies proxies = TrustedProxies.of(config.http().trustedProxies());
        ClientAddress clientAddress = new ClientAddress(proxies);
        RequestOrigin requestOrigin = new RequestOrigin(proxies);
        IntakeHandler intake = new IntakeHandler(
                new IntakePolicy(origins, clientAddress, config.intake().batchesPerSecond(), config.intake().burst()),
                new SampleBatchParser(config.intake().maxBatchSamples()), sites, recorders, metrics, config.intake().maxBodyBytes());
        WebSocketAdmission admission = new WebSocketAdmission(webSockets, origins, clientAddress, readiness::isReady);
        this.loadEndpoints = new LoadHandler(config.load(), config.http().streamingBodyLimits(), config.http().instance(), origins,
                clientAddress, requestOrigin, null);
        metrics.exportLoadStreams(loadEndpoints::openStreams);
        ApiCors cors = new ApiCors(origins);
        MetricsHandler metricsHandler = new MetricsHandler(metrics);
        ServersApi servers = new ServersApi(config.regions().region(), config.regions().servers());
        boolean separateAdmin = config.admin().port() > 0;
        this.results = config.results().enabled()
                ? Optional.of(Results.open(config.results(), config.http().instance(), sites, origins, clientAddress, requestOrigin))
                : Optional.empty();

        this.app = Javalin.create(c -> {
            Listening.on(c, config.http().host(), config.http().port());
            c.http.maxRequestSize = config.intake().maxBodyBytes();
            if (config.https().enabled()) {
                tlsListeners.addTo(c, config.https().certificate(), config.http().host(), config.http().port(),
                        config.https().redirectPort());
            }
            // /ping, /ws and the load endpoints run as Jetty core handlers in front of Javalin: a probe costs no
            // servlet, session or router work, Javalin 7 does not expose the PONG frames that ws_ping needs, and
            // a load stream is written asynchronously, never compressed.
            c.jetty.modifyServer(server -> probesInFront(server, origins, clientAddress, admission));
            PageFiles.serve(c);
            readiness.routes(c);
            c.routes.before("/api/*", cors.addHeaders());
            c.routes.options(IntakeHandler.PATH, cors.preflight());
            c.routes.post(IntakeHandler.PATH, intake);
            c.routes.get("/api/stats", ctx -> ctx.header("Cache-Control", "no-store").json(reporter.latest()));
            c.routes.get(PausesHandler.PATH, new PausesHandler(hiccups));
            c.routes.get(UdpEchoApi.PATH, new UdpEchoApi(this::datagramListener, this::datagramsUnavailable)::handle);
            if (!separateAdmin) {
                c.routes.get("/metrics", metricsHandler);
            }
            results.ifPresent(r -> r.routes(c));
            servers.routes(c);
        });
        // /metrics, /healthz and /readyz on a port of their own, when one is set.
        this.adminApp = !separateAdmin ? null : Javalin.create(c -> {
            Listening.on(c, config.admin().host(), config.admin().port());
            c.routes.get("/metrics", metricsHandler);
            readiness.routes(c);
            results.ifPresent(r -> r.adminRoutes(c));
        });
    }

    public static PingscopeServer create(ServerConfig config) {
        return new PingscopeServer(config);
    }

    private void probesInFront(Server server, OriginPolicy origins, ClientAddress clientAddress, WebSocketAdmission admission) {
        ProbeUpgradeHandler upgrade = webSockets.upgradeHandler(server, admission);
        upgrade.setHandler(server.getHandler());
        loadEndpoints.setHandler(upgrade);
        Map<String, Integer> bodyCaps = new HashMap<>(Map.of(IntakeHandler.PATH, config.intake().maxBodyBytes()));
        results.ifPresent(r -> bodyCaps.put(Results.SAVE_PATH, config.results().maxBodyBytes()));
        // Bodies are read before the pool (no thread waits for them); /ping, in front, runs on the selector thread.
        PingHandler ping = new PingHandler(config.http().instance(), origins, clientAddress, metrics.kernelRtt("http_head"),
                webSockets.carriers(), new BodiesFirst(bodyCaps, config.http().bodyLimits(), new PoolHandoff(loadEndpoints)));
        server.setHandler(config.https().redirectPort() > 0 ? new HttpsRedirect(ping, this::port) : ping);
        headerDeadline.watch(server);
    }

    public PingscopeServer start() {
        results.ifPresent(Results::start);
        hiccups.start();
        app.start();
        startDatagrams();
        if (adminApp != null) {
            adminApp.start();
        }
        reporter.start(config.recording().reportInterval());
        readiness.set(true);
        return this;
    }

    /**
     * Starts udp_echo's QUIC listener. With the default port (the main port's number) a UDP port that is taken
     * leaves udp_echo off with the reason in /api/udp and on stderr; a port set by --udp-port must be had.
     */
    private void startDatagrams() {
        DatagramSettings settings = config.datagram();
        if (!settings.enabled()) {
            datagramsUnavailable = "udp_echo is turned off on this server (--udp-port off)";
            return;
        }
        try {
            datagrams = DatagramService.start(settings, config.http().host(), origins, this::port);
            DatagramService started = datagrams;
            metrics.exportDatagrams(started.counters(), () -> {
                DatagramListener l = started.current();
                return l == null ? 0 : l.openSessions();
            });
        } catch (IOException e) {
            String reason = "udp_echo is off: " + e.getMessage();
            if (settings.port() != DatagramSettings.SAME_AS_HTTP) {
                throw new IllegalStateException(reason, e);
            }
            datagramsUnavailable = reason;
            System.err.println("pingscope: " + reason);
        }
    }

    /** udp_echo, or null when it is off or could not start. */
    public DatagramService datagrams() {
        return datagrams;
    }

    private DatagramListener datagramListener() {
        DatagramService d = datagrams;
        return d == null ? null : d.current();
    }

    private String datagramsUnavailable() {
        DatagramService d = datagrams;
        String renewing = d == null ? null : d.unavailable();
        return renewing != null ? renewing : datagramsUnavailable;
    }

    /** The port actually listened on (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The /ws endpoint's state: its open sessions and admission slots. */
    public WebSocketProbes webSockets() {
        return webSockets;
    }

    /** The plain-HTTP port that redirects to HTTPS, actually listened on, or -1 when there is none. */
    public int redirectPort() {
        return tlsListeners.redirectPort();
    }

    /** The admin port actually listened on, or -1 when admin endpoints share the main port. */
    public int adminPort() {
        return adminApp == null ? -1 : adminApp.port();
    }

    public ServerConfig config() {
        return config;
    }

    public IntervalReporter reporter() {
        return reporter;
    }

    /** Saved results, empty when they are turned off (--results=false). */
    public Optional<Results> results() {
        return results;
    }

    public boolean isReady() {
        return readiness.isReady();
    }

    /** Drains and stops: see {@link GracefulShutdown}. */
    public void shutdown() {
        GracefulShutdown.run(config.admin().shutdownGrace(), readiness, webSockets, reporter, this::stop);
    }

    /** Stops at once: no draining. */
    public void stop() {
        readiness.set(false);
        app.stop();
        if (adminApp != null) {
            adminApp.stop();
        }
        webSockets.close();
        DatagramService d = datagrams;
        if (d != null) {
            d.close();
        }
        reporter.close();
        hiccups.close();
        headerDeadline.close();
        results.ifPresent(Results::close);
    }

    @Override
    public void close() {
        stop();
    }
}
