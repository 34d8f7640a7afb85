package dev.pingscope.properties;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A property run on generated input: {@code tries} inputs from a seeded generator, each checked; the first
 * input that fails is shrunk (smaller inputs that still fail are tried) and reported with the seed that
 * reproduces it. The seed is fixed, so every build tries the same inputs; {@code -Dpingscope.seed=N} tries
 * others (the failure message names the seed to pass). Each run prints how many inputs it checked.
 *
 * <pre>{@code
 * Property.of("parse never throws", 2000, r -> Inputs.bytes(r, 300), Shrink::bytes)
 *         .check(bytes -> parser.parse(bytes));
 * }</pre>
 */
public final class Property<T> {
    /** The seed of every run unless {@code -Dpingscope.seed} names another. */
    public static final long DEFAULT_SEED = 20261201L;
    private static final int MAX_SHRINK_STEPS = 3_000;

    private final String name;
    private final int tries;
    private final Function<Random, T> generator;
    private final Function<T, List<T>> shrinker;

    private Property(String name, int tries, Function<Random, T> generator, Function<T, List<T>> shrinker) {
        this.name = name;
        this.tries = tries;
        this.generator = generator;
        this.shrinker = shrinker;
    }

    /** A property over generated inputs; the shrinker gives smaller variants of a failing input, most promising first. */
    public static <T> Property<T> of(String name, int tries, Function<Random, T> generator, Function<T, List<T>> shrinker) {
        return new Property<>(name, tries, generator, shrinker);
    }

    /** What must hold for every input; it fails by throwing (an assertion or anything else). */
    @FunctionalInterface
    public interface Check<T> {
        void check(T input) throws Exception;
    }

    public static long seed() {
        return Long.getLong("pingscope.seed", DEFAULT_SEED);
    }

    /** Checks every input and returns how many ran (all of them, or it throws). */
    public int check(Check<T> check) {
        long seed = seed();
        // Each property draws its own sequence, so adding one does not change another's inputs.
        Random random = new Random(seed ^ name.hashCode());
        for (int i = 1; i <= tries; i++) {
            T input = generator.apply(random);
            Throwable failure = failure(check, input);
            if (failure != null) {
                throw shrunk(check, input, failure, i, seed);
            }
        }
        System.out.printf("property '%s': %d cases passed (seed %d)%n", name, tries, seed);
        return tries;
    }

    private AssertionError shrunk(Check<T> check, T original, Throwable originalFailure, int attempt, long seed) {
        T smallest = original;
        Throwable failure = originalFailure;
        int steps = 0;
        boolean smaller = true;
        while (smaller && steps < MAX_SHRINK_STEPS) {
            smaller = false;
            for (T candidate : shrinker.apply(smallest)) {
                if (++steps > MAX_SHRINK_STEPS) {
                    break;
                }
                Throwable f = failure(check, candidate);
                if (f != null) {
                    smallest = candidate;
                    failure = f;
                    smaller = true;
                    break;
                }
            }
        }
        AssertionError error = new AssertionError(String.format(
                "property '%s' failed on case %d of %d (seed %d: -Dpingscope.seed=%d)%n  shrunk input (%d steps): %s%n"
                        + "  original input: %s%n  failure: %s",
                name, attempt, tries, seed, seed, steps, describe(smallest), describe(original), failure), failure);
        return error;
    }

    private static <T> Throwable failure(Check<T> check, T input) {
        try {
            check.check(input);
            return null;
        } catch (Exception | AssertionError e) {
            return e;
        }
    }

    /** An input as a Java literal: bytes and text with every byte or character outside printable ASCII escaped. */
    public static String describe(Object input) {
        if (input instanceof byte[] bytes) {
            return "bytes \"" + escape(bytes) + "\" (" + bytes.length + " bytes)";
        }
        if (input instanceof String text) {
            return "\"" + escape(text) + "\" (" + text.length() + " chars)";
        }
        if (input instanceof List<?> list) {
            return list.stream().map(Property::describe).toList().toString();
        }
        return String.valueOf(input);
    }

    private static String escape(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bytes.length && out.length() < 600; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02X", b));
            }
        }
        return bytes.length > 0 && out.length() >= 600 ? out + "…" : out.toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 600; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.length() >= 600 ? out + "…" : out.toString();
    }

    /** UTF-8 bytes of a text, for generators that build documents as text. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
