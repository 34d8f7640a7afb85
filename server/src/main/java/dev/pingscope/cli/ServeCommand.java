package dev.pingscope.cli;

import dev.pingscope.PingscopeServer;
import dev.pingscope.ServerConfig;
import dev.pingscope.config.InvalidConfigException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code pingscope [options]}: starts the server and runs until stopped. */
@Command(
        name = "pingscope",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Measures round-trip time from browsers by HTTP HEAD and by WebSocket, side by side.",
            "Starts the server and prints the URL to open. Every option can also be set by the",
            "environment variable named after it; the command line wins."
        })
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HttpOptions http;

    @Mixin
    OriginOptions origins;

    @Mixin
    RegionOptions regions;

    @Mixin
    WebSocketOptions webSocket;

    @Mixin
    IntakeOptions intake;

    @Mixin
    RecordingOptions recording;

    @Mixin
    TlsOptions tls;

    @Mixin
    LoadOptions load;

    @Mixin
    DatagramOptions datagram;

    @Mixin
    AdminOptions admin;

    @Mixin
    ResultsOptions results;

    /** The process environment (for PINGSCOPE_TLS_PASSWORD and PINGSCOPE_DATABASE_PASSWORD), set by {@link Cli}. */
    Map<String, String> environment = Map.of();

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        ServerConfig config = toConfig();
        String host = config.http().host();
        PrintWriter out = spec.commandLine().getOut();
        PingscopeServer server;
        try {
            server = PingscopeServer.create(config);
        } catch (IllegalArgumentException e) {
            // e.g. a --data-dir that cannot be created: one line, like every other configuration error
            spec.commandLine().getErr().println("pingscope: cannot set up saved results: " + rootMessage(e));
            return 1;
        }
        try {
            server.start();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("pingscope: cannot listen on " + host + ":" + config.http().port()
                    + ": " + rootMessage(e));
            server.stop();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(config.admin().shutdownGrace().toMillis());
                    Runtime.getRuntime().halt(1); // the grace period is over: exit whatever is still running
                } catch (InterruptedException e) {
                    // The shutdown finished in time.
                }
            }, "pingscope-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            server.shutdown();
            watchdog.interrupt();
            stopped.countDown();
        }, "pingscope-shutdown"));
        String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        out.println("pingscope " + VersionProvider.version() + " (instance " + config.http().instance() + ") listening on "
                + host + ":" + server.port() + (config.https().enabled() ? " with TLS: " + config.https().certificate().description() : ""));
        out.println("Open " + config.https().scheme() + "://" + shownHost + ":" + server.port() + "/ in a browser. Stop with Ctrl+C.");
        if (server.redirectPort() > 0) {
            out.println("Plain HTTP on port " + server.redirectPort() + " redirects to HTTPS.");
        }
        out.flush();
        stopped.await();
        return 0;
    }

    /** Builds the configuration, which checks every value; a bad value throws a ParameterException naming its option. */
    ServerConfig toConfig() {
        try {
            return new ServerConfig(http.settings(), origins.settings(), tls.settings(environment), admin.settings(),
                    webSocket.settings(), intake.settings(), recording.settings(), load.settings(), results.settings(environment),
                    regions.settings(), datagram.settings());
        } catch (InvalidConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Every server option's default, as its text on the command line would be: taken from each area's
     * {@code defaults()}, the one place defaults are written, for help and for options not given.
     */
    static Map<String, String> defaultValues() {
        Map<String, String> values = new HashMap<>();
        HttpOptions.putDefaults(values);
        OriginOptions.putDefaults(values);
        RegionOptions.putDefaults(values);
        WebSocketOptions.putDefaults(values);
        IntakeOptions.putDefaults(values);
        RecordingOptions.putDefaults(values);
        TlsOptions.putDefaults(values);
        LoadOptions.putDefaults(values);
        DatagramOptions.putDefaults(values);
        AdminOptions.putDefaults(values);
        ResultsOptions.putDefaults(values);
        return values;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

}
