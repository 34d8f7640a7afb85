package dev.pingscope;

import dev.pingscope.cli.VersionProvider;
import dev.pingscope.http.ApiCors;
import dev.pingscope.http.ClientAddress;
import dev.pingscope.intake.IntakeRateLimiter;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.RequestHeaderDeadline;
import dev.pingscope.intake.BatchRejected;
import dev.pingscope.intake.IntakeHandler;
import dev.pingscope.intake.RejectReason;
import dev.pingscope.intake.SampleBatchParser;
import dev.pingscope.metrics.Metrics;
import dev.pingscope.metrics.MetricsHandler;
import dev.pingscope.ping.PingHandler;
import dev.pingscope.websocket.WebSocketProbes;
import dev.pingscope.recording.HistogramStore;
import dev.pingscope.recording.IntervalReporter;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.Sites;
import dev.pingscope.tls.HttpsRedirect;
import dev.pingscope.tls.TlsConnector;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The composition root: builds every part of a pingscope server from its configuration and wires them
 * together. {@link #create} builds without starting; {@link #start} listens; {@link #shutdown} drains
 * gracefully; {@link #stop} ends it all at once.
 *
 * <pre>{@code
 * PingscopeServer server = PingscopeServer.create(ServerConfig.defaults().withPort(0));
 * server.start();
 * URI ping = URI.create("http://localhost:" + server.port() + "/ping");
 * }</pre>
 */
public final class PingscopeServer implements AutoCloseable {
    private final ServerConfig config;
    private final Sites sites;
    private final RttRecorders recorders;
    private final IntervalReporter reporter;
    private final WebSocketProbes webSockets;
    private final Metrics metrics;
    private final ClientAddress clientAddress;
    private final RequestHeaderDeadline headerDeadline;
    /** The plain-HTTP connector of --redirect-port, or null. */
    private volatile ServerConnector redirectConnector;
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final Javalin app;
    private final Javalin adminApp;

    private PingscopeServer(ServerConfig config) {
        this.config = config;
        this.sites = Sites.of(config.sites());
        this.recorders = new RttRecorders(sites);
        HistogramStore store = config.operations().hlogDir() == null ? null
                : HistogramStore.open(config.operations().hlogDir());
        this.reporter = new IntervalReporter(recorders, config.instance(), Clock.systemUTC(), store);
        AtomicReference<WebSocketProbes> sockets = new AtomicReference<>();
        this.metrics = new Metrics(VersionProvider.version(), recorders.series(), () -> sockets.get().openSessions());
        this.webSockets = new WebSocketProbes(recorders, metrics.probesLost(ProbeKind.WS_PING), config);
        sockets.set(webSockets);
        reporter.onInterval(metrics.rtt()::update);
        this.clientAddress = new ClientAddress(config.trustedProxies());
        this.headerDeadline = new RequestHeaderDeadline(config.limits().requestHeaderTimeout());
        boolean separateAdmin = config.operations().adminPort() > 0;
        this.app = Javalin.create(c -> {
            configureProbeApp(c);
            if (!separateAdmin) {
                addAdminRoutes(c);
            }
        });
        this.adminApp = separateAdmin ? Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.host = config.operations().adminHost();
            c.jetty.port = config.operations().adminPort();
            addAdminRoutes(c);
        }) : null;
    }

    public static PingscopeServer create(ServerConfig config) {
        return new PingscopeServer(config);
    }

    private void configureProbeApp(JavalinConfig c) {
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        ApiCors cors = new ApiCors(origins);
        IntakeHandler intake = new IntakeHandler(
                new SampleBatchParser(config.maxBatchSamples()), sites, recorders, metrics, config.maxBodyBytes());
        IntakeRateLimiter intakeLimiter = new IntakeRateLimiter(
                config.limits().intakeBatchesPerSecond(), config.limits().intakeBurst());
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.jetty.host = config.host();
        c.jetty.port = config.port();
        c.http.maxRequestSize = config.maxBodyBytes();
        c.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
        if (config.tls() != null) {
            // The connector on --port speaks TLS (h2 and http/1.1 by ALPN); plain HTTP only redirects, if at all.
            c.jetty.addConnector((server, http) ->
                    TlsConnector.create(server, http, config.tls(), config.host(), config.port()));
            if (config.redirectPort() > 0) {
                c.jetty.addConnector((server, http) -> {
                    redirectConnector = new ServerConnector(server, new HttpConnectionFactory(http));
                    redirectConnector.setHost(config.host());
                    redirectConnector.setPort(config.redirectPort());
                    return redirectConnector;
                });
            }
        }
        // /ping and /ws run as Jetty core handlers in front of Javalin: a probe costs no servlet, session
        // or router work, and Javalin 7 does not expose the PONG frames that ws_ping needs.
        c.jetty.modifyServer(server -> {
            WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, container ->
                    configureWebSockets(container, origins));
            upgrade.setHandler(server.getHandler());
            PingHandler probes = new PingHandler(config.instance(), origins, upgrade);
            server.setHandler(config.redirectPort() > 0 ? new HttpsRedirect(probes, this::port) : probes);
            watchRequestHeads(server);
        });
        c.staticFiles.add(sf -> {
            sf.hostedPath = "/";
            sf.directory = "/public";
            sf.location = Location.CLASSPATH;
            // Cross-origin isolation gives the page precise performance.now(); CORP lets other sites embed the script.
            sf.headers = Map.of(
                    "Cross-Origin-Opener-Policy", "same-origin",
                    "Cross-Origin-Embedder-Policy", "require-corp",
                    "Cross-Origin-Resource-Policy", "cross-origin",
                    "Access-Control-Allow-Origin", "*",
                    "Cache-Control", "no-cache");
        });
        c.routes.get("/healthz", this::healthz);
        c.routes.get("/readyz", this::readyz);
        c.routes.before("/api/*", cors.addHeaders());
        c.routes.options(IntakeHandler.PATH, cors.preflight());
        c.routes.post(IntakeHandler.PATH, ctx -> {
            // HTTP/2 requests carry no Host header: their authority (:authority) is in the request URL.
            String host = ctx.header("Host") != null ? ctx.header("Host")
                    : URI.create(ctx.req().getRequestURL().toString()).getRawAuthority();
            if (!origins.allows(ctx.header("Origin"), host)) {
                intake.reject(ctx, new BatchRejected(RejectReason.ORIGIN_NOT_ALLOWED,
                        "origin " + ctx.header("Origin") + " may not report samples here"));
                return;
            }
            String client = clientAddress.of(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
            if (!intakeLimiter.tryAcquire(client)) {
                ctx.header("Retry-After", Long.toString(intakeLimiter.retryAfterSeconds()));
                intake.reject(ctx, new BatchRejected(RejectReason.RATE_LIMITED,
                        "too many batches from " + client + "; at most " + config.limits().intakeBatchesPerSecond()
                                + " per second (burst " + config.limits().intakeBurst() + ")"));
                return;
            }
            intake.handle(ctx);
        });
        c.routes.get("/api/stats", ctx -> ctx.header("Cache-Control", "no-store").json(reporter.latest()));
    }

    /** /metrics, /healthz and /readyz: on the main port, or on --admin-port when one is set. */
    private void addAdminRoutes(JavalinConfig c) {
        c.routes.get("/metrics", new MetricsHandler(metrics));
        if (config.operations().adminPort() > 0) {
            c.routes.get("/healthz", this::healthz);
            c.routes.get("/readyz", this::readyz);
        }
    }

    private void healthz(Context ctx) {
        ctx.contentType("text/plain").result("ok");
    }

    /** 200 while serving; 503 from the moment a graceful shutdown begins, so balancers stop sending. */
    private void readyz(Context ctx) {
        ctx.header("Cache-Control", "no-store").contentType("text/plain");
        if (ready.get()) {
            ctx.result("ready");
        } else {
            ctx.status(503).result("draining");
        }
    }

    private void configureWebSockets(ServerWebSocketContainer container, OriginPolicy origins) {
        // A little above the ping interval's traffic; our own idle check (ProbeSocket) is the one that acts.
        container.setIdleTimeout(config.wsIdleTimeout().plus(config.pingInterval()));
        container.setMaxTextMessageSize(config.wsMaxMessageBytes());
        container.setMaxBinaryMessageSize(config.wsMaxMessageBytes());
        container.setMaxFrameSize(config.wsMaxMessageBytes());
        container.setMaxOutgoingFrames(config.limits().wsMaxQueuedFrames());
        // Jetty allocates a text buffer of this size for every message it decodes: probe messages are
        // tens of bytes, so a small buffer keeps the echo path from allocating 4 KiB per message.
        container.setInputBufferSize(WebSocketProbes.INPUT_BUFFER_BYTES);
        container.addMapping(WebSocketProbes.PATH, (request, response, callback) -> {
            String origin = request.getHeaders().get(HttpHeader.ORIGIN);
            // Chromium opens wss: over HTTP/2 (RFC 8441) where it can: no Host header, the authority is in the URI.
            String host = request.getHeaders().get(HttpHeader.HOST);
            if (!origins.allows(origin, host != null ? host : request.getHttpURI().getAuthority())) {
                Response.writeError(request, response, callback, 403, "origin not allowed: " + origin);
                return null;
            }
            if (!ready.get()) {
                // Draining: a client reconnecting after its 1001 must go to another instance, not back here.
                Response.writeError(request, response, callback, 503, "shutting down");
                return null;
            }
            String client = clientAddress.of(Request.getRemoteAddr(request), request.getHeaders().get("X-Forwarded-For"));
            return webSockets.admit(client, (status, message) ->
                    Response.writeError(request, response, callback, status, message));
        });
    }

    private void watchRequestHeads(Server server) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    connector.addEventListener(headerDeadline);
                }
            }
        });
    }

    public PingscopeServer start() {
        app.start();
        if (adminApp != null) {
            adminApp.start();
        }
        reporter.start(config.reportInterval());
        ready.set(true);
        return this;
    }

    /** The port actually listened on (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The plain-HTTP port that redirects to HTTPS, actually listened on, or -1 when there is none. */
    public int redirectPort() {
        return redirectConnector == null ? -1 : redirectConnector.getLocalPort();
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

    public boolean isReady() {
        return ready.get();
    }

    /**
     * A graceful shutdown: /readyz turns 503 first and the server keeps serving for {@link #drainDelay}
     * (a quarter of the grace period, at most 2 s); then every WebSocket is closed with 1001 (going away),
     * the last interval is recorded (and appended to --hlog-dir), and the server stops. Waits for the
     * WebSockets to close for at most half the grace period.
     */
    public void shutdown() {
        ready.set(false);
        // Keep serving a moment, so that a balancer checking /readyz stops sending new clients before
        // the WebSockets are told to go (and reconnect elsewhere).
        sleep(drainDelay(config.operations().shutdownGrace()));
        webSockets.closeAll("server shutting down");
        long deadline = System.nanoTime() + config.operations().shutdownGrace().toNanos() / 2;
        while (webSockets.openSessions() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(10));
        }
        reporter.reportNow();
        stop();
    }

    /** How long a graceful shutdown keeps serving after /readyz turned 503. */
    static Duration drainDelay(Duration grace) {
        Duration quarter = grace.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : quarter;
    }

    /** Stops at once: no draining. */
    public void stop() {
        ready.set(false);
        app.stop();
        if (adminApp != null) {
            adminApp.stop();
        }
        webSockets.close();
        reporter.close();
        headerDeadline.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
