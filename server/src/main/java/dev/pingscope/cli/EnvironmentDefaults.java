package dev.pingscope.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Gives every option of the server command an environment variable: --ping-interval reads PINGSCOPE_PING_INTERVAL when the
 * option is not on the command line. The command line wins over the environment, which wins over the
 * built-in default (which help shows as the default).
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> environment;
    private final Map<String, String> builtIn;

    /** @param builtIn each server option's built-in default as option text, by long option name */
    public EnvironmentDefaults(Map<String, String> environment, Map<String, String> builtIn) {
        this.environment = environment;
        this.builtIn = builtIn;
    }

    /** The environment variable of a long option name: --ws-max-message → PINGSCOPE_WS_MAX_MESSAGE. */
    public static String variableFor(String longOptionName) {
        return "PINGSCOPE_" + longOptionName.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        // Only the server's own options: a subcommand such as probe is configured on its command line.
        if (argSpec instanceof CommandLine.Model.OptionSpec option && option.command().parent() == null) {
            String value = environment.get(variableFor(option.longestName()));
            if (value != null && !value.isEmpty()) {
                return value;
            }
            return builtIn.get(option.longestName());
        }
        return null;
    }
}
