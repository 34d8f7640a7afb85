package dev.pingscope;

import dev.pingscope.cli.VersionProvider;
import dev.pingscope.http.ApiCors;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.intake.BatchRejected;
import dev.pingscope.intake.IntakeHandler;
import dev.pingscope.intake.RejectReason;
import dev.pingscope.intake.SampleBatchParser;
import dev.pingscope.metrics.Metrics;
import dev.pingscope.metrics.MetricsHandler;
import dev.pingscope.probe.PingHandler;
import dev.pingscope.probe.WebSocketProbes;
import dev.pingscope.recording.IntervalReporter;
import dev.pingscope.recording.ProbeKind;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.recording.Sites;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The composition root: builds every part of a pingscope server from its configuration and wires them
 * together. {@link #create} builds without starting; {@link #start} listens; {@link #stop} ends it all.
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
    private final Javalin app;

    private PingscopeServer(ServerConfig config) {
        this.config = config;
        this.sites = Sites.of(config.sites());
        this.recorders = new RttRecorders(sites);
        this.reporter = new IntervalReporter(recorders, config.instance(), Clock.systemUTC());
        AtomicReference<WebSocketProbes> sockets = new AtomicReference<>();
        this.metrics = new Metrics(VersionProvider.version(), recorders.series(), () -> sockets.get().openSessions());
        this.webSockets = new WebSocketProbes(recorders, metrics.probesLost(ProbeKind.WS_PING), config.instance(),
                config.pingInterval(), config.pingTimeout(), config.wsMaxMessageBytes());
        sockets.set(webSockets);
        reporter.onInterval(metrics.rtt()::update);
        this.app = buildApp();
    }

    public static PingscopeServer create(ServerConfig config) {
        return new PingscopeServer(config);
    }

    private Javalin buildApp() {
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        ApiCors cors = new ApiCors(origins);
        IntakeHandler intake = new IntakeHandler(
                new SampleBatchParser(config.maxBatchSamples()), sites, recorders, metrics, config.maxBodyBytes());
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.http.maxRequestSize = config.maxBodyBytes();
            c.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
            // /ping runs as a Jetty handler in front of Javalin: a probe costs no servlet or router work.
            c.jetty.modifyServer(server -> server.setHandler(
                    new PingHandler(config.instance(), origins, server.getHandler())));
            c.jetty.modifyWebSocketServletFactory(factory -> {
                factory.setIdleTimeout(config.wsIdleTimeout());
                factory.setMaxTextMessageSize(config.wsMaxMessageBytes());
                factory.setMaxBinaryMessageSize(config.wsMaxMessageBytes());
                factory.setMaxFrameSize(config.wsMaxMessageBytes());
                // Jetty allocates a text buffer of this size for every message it decodes: probe messages are
                // tens of bytes, so a small buffer keeps the echo path from allocating 4 KiB per message.
                factory.setInputBufferSize(WebSocketProbes.INPUT_BUFFER_BYTES);
                factory.addMapping(WebSocketProbes.PATH, (request, response) -> {
                    if (!origins.allows(request.getHeader("Origin"))) {
                        try {
                            response.sendForbidden("origin not allowed: " + request.getHeader("Origin"));
                        } catch (java.io.IOException e) {
                            // The client went away; nothing to answer.
                        }
                        return null;
                    }
                    return webSockets.newSocket();
                });
            });
            // Javalin installs its WebSocket upgrade only when a ws route exists. This one is never reached:
            // the exact Jetty mapping of /ws above wins over Javalin's own catch-all mapping.
            c.routes.ws(WebSocketProbes.PATH, ws -> {});
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
            c.routes.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok"));
            c.routes.before("/api/*", cors.addHeaders());
            c.routes.options(IntakeHandler.PATH, cors.preflight());
            c.routes.post(IntakeHandler.PATH, ctx -> {
                if (!origins.allows(ctx.header("Origin"))) {
                    intake.reject(ctx, new BatchRejected(RejectReason.ORIGIN_NOT_ALLOWED,
                            "origin " + ctx.header("Origin") + " may not report samples here"));
                    return;
                }
                intake.handle(ctx);
            });
            c.routes.get("/api/stats", ctx -> ctx.header("Cache-Control", "no-store").json(reporter.latest()));
            c.routes.get("/metrics", new MetricsHandler(metrics));
        });
    }

    public PingscopeServer start() {
        app.start();
        reporter.start(config.reportInterval());
        return this;
    }

    /** The port actually listened on (useful with port 0). */
    public int port() {
        return app.port();
    }

    public ServerConfig config() {
        return config;
    }

    public IntervalReporter reporter() {
        return reporter;
    }

    public void stop() {
        app.stop();
        webSockets.close();
        reporter.close();
    }

    @Override
    public void close() {
        stop();
    }
}
