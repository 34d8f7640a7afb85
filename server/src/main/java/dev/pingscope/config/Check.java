package dev.pingscope.config;

import java.time.Duration;

/**
 * The checks every area's settings record runs on itself when built: a value that cannot work throws an
 * {@link InvalidConfigException} naming the option that sets it, the same line the command line prints.
 */
public final class Check {
    private Check() {}

    public static String text(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(option, "must not be empty");
        }
        return value;
    }

    public static void range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(option, value + " is outside " + min + " to " + max);
        }
    }

    public static void range(String option, Duration value, Duration min, Duration max) {
        if (value == null) {
            throw new InvalidConfigException(option, "must be set");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidConfigException(option, DurationText.format(value) + " is outside "
                    + DurationText.format(min) + " to " + DurationText.format(max));
        }
    }

    /** Null for null or blank text, else the text trimmed. */
    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
