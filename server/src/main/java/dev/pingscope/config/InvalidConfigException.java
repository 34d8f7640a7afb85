package dev.pingscope.config;

/**
 * A configuration value that cannot work, named by the option that sets it, in the one-line form the
 * command line prints: {@code Invalid value for option '--ping-interval': 0ms is outside 100ms to 1m}.
 */
public final class InvalidConfigException extends IllegalArgumentException {
    private final String option;

    public InvalidConfigException(String option, String problem) {
        super("Invalid value for option '" + option + "': " + problem);
        this.option = option;
    }

    /** The option (e.g. --ping-interval) whose value is wrong. */
    public String option() {
        return option;
    }
}
