package dev.pingscope.cli;

import dev.pingscope.ServerConfig;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** A server configuration from command-line options, read as `pingscope` reads them (tests). */
public final class ServeOptions {
    private ServeOptions() {}

    /**
     * Reads the options, and the environment for those not given, into the configuration they make.
     *
     * @param args options as on the command line, e.g. {@code --ws-max-per-address=5}
     * @param environment the environment the options' defaults come from (PINGSCOPE_*), or an empty map
     * @throws CommandLine.ParameterException with the one-line message the command line prints
     */
    public static ServerConfig parse(List<String> args, Map<String, String> environment) {
        ServeCommand serve = new ServeCommand();
        serve.environment = environment;
        CommandLine cl = new CommandLine(serve);
        cl.setDefaultValueProvider(new EnvironmentDefaults(environment, ServeCommand.defaultValues()));
        cl.parseArgs(args.toArray(String[]::new));
        return serve.toConfig();
    }
}
