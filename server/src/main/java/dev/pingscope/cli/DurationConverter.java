package dev.pingscope.cli;

import dev.pingscope.config.DurationText;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations written as a number and a unit: 250ms, 1s, 1.5s, 2m, 1h ({@link DurationText}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        try {
            return DurationText.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The shortest way to write a duration in the same notation, for messages and help. */
    public static String format(Duration d) {
        return DurationText.format(d);
    }
}
