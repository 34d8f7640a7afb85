package dev.pingscope.properties;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Smaller variants of a failing input: the same input with a run of it removed, longest runs first. */
public final class Shrink {
    private Shrink() {}

    public static List<byte[]> bytes(byte[] input) {
        List<byte[]> out = new ArrayList<>();
        for (int run = Math.max(1, input.length / 2); run >= 1; run /= 2) {
            for (int at = 0; at + run <= input.length; at += run) {
                byte[] smaller = new byte[input.length - run];
                System.arraycopy(input, 0, smaller, 0, at);
                System.arraycopy(input, at + run, smaller, at, input.length - at - run);
                out.add(smaller);
            }
            if (run == 1) {
                break;
            }
        }
        return out;
    }

    public static List<String> text(String input) {
        List<String> out = new ArrayList<>();
        for (int run = Math.max(1, input.length() / 2); run >= 1; run /= 2) {
            for (int at = 0; at + run <= input.length(); at += run) {
                out.add(input.substring(0, at) + input.substring(at + run));
            }
            if (run == 1) {
                break;
            }
        }
        return out;
    }

    /** Lists of strings (a query's parameters): one element fewer, then each element shrunk. */
    public static List<List<String>> list(List<String> input) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            List<String> fewer = new ArrayList<>(input);
            fewer.remove(i);
            out.add(fewer);
        }
        out.addAll(elements(input));
        return out;
    }

    /** Lists of a fixed length (a method's arguments): each element shrunk in turn. */
    public static List<List<String>> elements(List<String> input) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            for (String s : text(input.get(i))) {
                List<String> smaller = new ArrayList<>(input);
                smaller.set(i, s);
                out.add(smaller);
            }
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
