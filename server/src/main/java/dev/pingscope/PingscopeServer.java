package dev.pingscope;

import dev.pingscope.http.ApiCors;
import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.Listening;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.PageFiles;
import dev.pingscope.http.PoolHandoff;
import dev.pingscope.http.Readiness;
import dev.pingscope.http.RequestHeaderDeadline;
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
import dev.pingscope.websocket.WebSocketAdmission;
import dev.pingscope.websocket.WebSocketProbes;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * The composition root: builds every part of a pingscope server from its configuration and wires them
 * together; the parts decide everything else. {@link #create} builds without starting; {@link #start}
 * listens; {@link #shutdown} drains gracefully; {@link #stop} ends it all at once.
 *
 * <pre>{@code
 * PingscopeServer server = PingscopeServer.create(ServerConfig.defaults().withPort(0)).start();
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
    private final RequestHeaderDeadline headerDeadline;
    private final TlsListeners tlsListeners = new TlsListeners();
    private final LoadHandler loadEndpoints;
    private final Javalin app;
    private final Javalin adminApp;
    /** Saved results; empty with --results=false. */
    private final Optional<Results> results;

    private PingscopeServer(ServerConfig config) {
        this.config = config;
        Sites sites = Sites.of(config.sites());
        RttRecorders recorders = new RttRecorders(sites);
        Path hlogDir = config.operations().hlogDir();
        this.reporter = new IntervalReporter(recorders, hiccups, config.instance(), config.regions().region(), Clock.systemUTC(),
                hlogDir == null ? null : HistogramStore.open(hlogDir));
        Metrics metrics = new Metrics(BuildVersion.current(), config.regions().region(), recorders.series());
        this.webSockets = new WebSocketProbes(recorders, metrics::pingLost, config.webSocket());
        metrics.exportOpenSessions(webSockets::openSessions);
        reporter.onInterval(metrics.rtt()::update);
        reporter.onHiccups(metrics.hiccups()::update);
        this.headerDeadline = new RequestHeaderDeadline(config.limits().requestHeaderTimeout());

        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
        IntakeHandler intake = new IntakeHandler(
                new IntakePolicy(origins, clientAddress, config.limits().intakeBatchesPerSecond(), config.limits().intakeBurst()),
                new SampleBatchParser(config.maxBatchSamples()), sites, recorders, metrics, config.maxBodyBytes());
        WebSocketAdmission admission = new WebSocketAdmission(webSockets, origins, clientAddress, readiness::isReady);
        this.loadEndpoints = new LoadHandler(config.loadSettings(), config.instance(), origins, clientAddress,
                LoadHandler.DEFAULT_SMALL_BYTES_PER_SECOND, LoadHandler.DEFAULT_SMALL_BURST_BYTES, null);
        metrics.exportLoadStreams(loadEndpoints::openStreams);
        ApiCors cors = new ApiCors(origins);
        MetricsHandler metricsHandler = new MetricsHandler(metrics);
        ServersApi servers = new ServersApi(config.regions().region(), config.regions().servers());
        boolean separateAdmin = config.operations().adminPort() > 0;
        this.results = config.results().enabled()
                ? Optional.of(Results.open(config.resultsSettings(), sites, origins, clientAddress)) : Optional.empty();

        this.app = Javalin.create(c -> {
            Listening.on(c, config.host(), config.port());
            c.http.maxRequestSize = config.maxBodyBytes();
            if (config.tls() != null) {
                tlsListeners.addTo(c, config.tls(), config.host(), config.port(), config.redirectPort());
            }
            // /ping, /ws and the load endpoints run as Jetty core handlers in front of Javalin: a probe costs no
            // servlet, session or router work, Javalin 7 does not expose the PONG frames that ws_ping needs, and
            // a load stream is written asynchronously, never compressed.
            c.jetty.modifyServer(server -> probesInFront(server, origins, admission));
            PageFiles.serve(c);
            readiness.routes(c);
            c.routes.before("/api/*", cors.addHeaders());
            c.routes.options(IntakeHandler.PATH, cors.preflight());
            c.routes.post(IntakeHandler.PATH, intake);
            c.routes.get("/api/stats", ctx -> ctx.header("Cache-Control", "no-store").json(reporter.latest()));
            c.routes.get(PausesHandler.PATH, new PausesHandler(hiccups));
            if (!separateAdmin) {
                c.routes.get("/metrics", metricsHandler);
            }
            results.ifPresent(r -> r.routes(c));
            servers.routes(c);
        });
        // /metrics, /healthz and /readyz on a port of their own, when one is set.
        this.adminApp = !separateAdmin ? null : Javalin.create(c -> {
            Listening.on(c, config.operations().adminHost(), config.operations().adminPort());
            c.routes.get("/metrics", metricsHandler);
            readiness.routes(c);
            results.ifPresent(r -> r.adminRoutes(c));
        });
    }

    public static PingscopeServer create(ServerConfig config) {
        return new PingscopeServer(config);
    }

    private void probesInFront(Server server, OriginPolicy origins, WebSocketAdmission admission) {
        WebSocketUpgradeHandler upgrade = webSockets.upgradeHandler(server, admission);
        upgrade.setHandler(server.getHandler());
        loadEndpoints.setHandler(upgrade);
        // Everything behind PoolHandoff runs on the pool; /ping, in front of it, on the selector thread.
        PingHandler ping = new PingHandler(config.instance(), origins, new PoolHandoff(loadEndpoints));
        server.setHandler(config.redirectPort() > 0 ? new HttpsRedirect(ping, this::port) : ping);
        headerDeadline.watch(server);
    }

    public PingscopeServer start() {
        results.ifPresent(Results::start);
        hiccups.start();
        app.start();
        if (adminApp != null) {
            adminApp.start();
        }
        reporter.start(config.reportInterval());
        readiness.set(true);
        return this;
    }

    /** The port actually listened on (useful with port 0). */
    public int port() {
        return app.port();
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
        GracefulShutdown.run(config.operations().shutdownGrace(), readiness, webSockets, reporter, this::stop);
    }

    /** Stops at once: no draining. */
    public void stop() {
        readiness.set(false);
        app.stop();
        if (adminApp != null) {
            adminApp.stop();
        }
        webSockets.close();
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
