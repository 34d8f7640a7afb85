package dev.pingscope.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Builds the command line: options with their environment variables, and one-line errors with exit status 2. */
public final class Cli {
    public static final int USAGE_ERROR = 2;

    private Cli() {}

    public static CommandLine commandLine(Map<String, String> environment, PrintWriter out, PrintWriter err) {
        ServeCommand serve = new ServeCommand();
        serve.environment = environment;
        CommandLine cl = new CommandLine(serve);
        cl.addSubcommand("probe", new ProbeCommand());
        cl.addSubcommand(new StatsCommand());
        // After the subcommands: picocli copies the settings below only to subcommands already added.
        cl.setDefaultValueProvider(new EnvironmentDefaults(environment, ServeCommand.defaultValues()));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(command + ": " + ex.getMessage().replace('\n', ' ') + " (see " + command + " --help)");
            err.flush();
            return USAGE_ERROR;
        });
        return cl;
    }
}
