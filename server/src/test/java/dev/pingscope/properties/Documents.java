package dev.pingscope.properties;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Valid client documents, generated: what the mutations start from. */
public final class Documents {
    private static final List<String> KINDS = List.of("http_head", "ws_echo", "ws_ping");

    private Documents() {}

    /** A batch the parser must accept: both kinds or one, optional source and load, fields in any order. */
    public static String batch(Random r) {
        List<String> kinds = new ArrayList<>();
        for (String kind : List.of("http_head", "ws_echo")) {
            if (r.nextInt(3) > 0 || (kinds.isEmpty() && kind.equals("ws_echo"))) {
                List<String> rtts = new ArrayList<>();
                int n = Inputs.between(r, 1, 8);
                for (int i = 0; i < n; i++) {
                    rtts.add(r.nextBoolean() ? Integer.toString(Inputs.between(r, 1, 60_000))
                            : String.format("%.3f", 0.001 + r.nextDouble() * 999));
                }
                kinds.add("\"" + kind + "\": [" + String.join(", ", rtts) + "]");
            }
        }
        List<String> fields = new ArrayList<>();
        fields.add("\"samples\": {" + String.join(", ", kinds) + "}");
        if (r.nextBoolean()) {
            fields.add("\"source\": \"" + Inputs.pick(r, List.of("browser", "synthetic")) + "\"");
        }
        if (r.nextBoolean()) {
            fields.add("\"load\": \"" + Inputs.pick(r, List.of("idle", "download", "upload", "both")) + "\"");
        }
        Collections.shuffle(fields, r);
        return "{" + String.join(", ", fields) + "}";
    }

    /** A save the parser must accept, fields in any order, every optional part sometimes there. */
    public static String save(Random r) {
        List<String> kinds = new ArrayList<>(KINDS);
        Collections.shuffle(kinds, r);
        kinds = kinds.subList(0, Inputs.between(r, 1, 3));
        List<String> probes = new ArrayList<>();
        for (String kind : kinds) {
            String loaded = r.nextBoolean() ? "" : ", \"loaded\": " + condition(r, kind);
            probes.add("\"" + kind + "\": {\"protocol\": \"" + Inputs.pick(r, List.of("h2", "http/1.1", "wss", "ws", "h3")) + "\", "
                    + "\"idle\": " + condition(r, kind) + loaded + "}");
        }
        List<String> settings = new ArrayList<>(List.of(
                "\"probes\": [" + String.join(", ", kinds.stream().map(k -> "\"" + k + "\"").toList()) + "]",
                "\"rounds\": " + Inputs.between(r, 1, 1_000_000),
                "\"interval\": " + (r.nextBoolean() ? Inputs.between(r, 0, 60_000) : r.nextDouble() * 1000),
                "\"timeout\": " + Inputs.between(r, 1, 60_000),
                "\"warmup\": " + Inputs.between(r, 0, 100_000)));
        if (r.nextBoolean()) {
            settings.add("\"load\": " + Inputs.pick(r, List.of("\"none\"", "\"download\"", "\"upload\"", "\"both\"", "null")));
        }
        Collections.shuffle(settings, r);
        List<String> fields = new ArrayList<>(List.of(
                "\"source\": \"" + Inputs.pick(r, List.of("browser", "synthetic")) + "\"",
                "\"settings\": {" + String.join(", ", settings) + "}",
                "\"probes\": {" + String.join(", ", probes) + "}"));
        if (r.nextBoolean()) {
            fields.add("\"reference\": " + reference(r, kinds));
        }
        Collections.shuffle(fields, r);
        return "{" + String.join(", ", fields) + "}";
    }

    /** A save's reference (docs/results.md): figures per connection kind the run has, or why there were none. */
    private static String reference(Random r, List<String> kinds) {
        String reason = "{\"unavailable\": \"" + Inputs.pick(r, List.of("proxied", "no probe carried the kernel RTT",
                "the server cannot read TCP_INFO")) + "\"}";
        if (r.nextInt(4) == 0) {
            return "{\"source\": \"tcp_info\", \"unavailable\": \"proxied\"}";
        }
        List<String> parts = new ArrayList<>(List.of("\"source\": \"tcp_info\""));
        if (kinds.contains("http_head")) {
            parts.add("\"http_head\": " + (r.nextInt(3) == 0 ? reason : reading(r, "srtt", List.of("http_head"), kinds)));
        }
        if (kinds.contains("ws_echo") || kinds.contains("ws_ping")) {
            parts.add("\"ws\": " + (r.nextInt(3) == 0 ? reason : reading(r, "min", List.of("ws_echo", "ws_ping"), kinds)));
        }
        if (parts.size() == 1) {
            return "{\"source\": \"tcp_info\", \"unavailable\": \"no probe carried the kernel RTT\"}";
        }
        Collections.shuffle(parts, r);
        return "{" + String.join(", ", parts) + "}";
    }

    private static String reading(Random r, String figure, List<String> methods, List<String> kinds) {
        List<String> bias = new ArrayList<>();
        for (String k : methods) {
            if (kinds.contains(k)) {
                bias.add("\"" + k + "\": " + (r.nextDouble() * 20 - 2));
            }
        }
        String optional = r.nextBoolean() ? ", \"srttMs\": " + r.nextDouble() * 50 + ", \"minRttMs\": " + r.nextDouble() * 10
                + ", \"rttvarMs\": " + r.nextDouble() * 5 : "";
        return "{\"figure\": \"" + figure + "\", \"rttMs\": " + r.nextDouble() * 100 + ", \"samples\": " + Inputs.between(r, 1, 500)
                + optional + ", \"bias\": {" + String.join(", ", bias) + "}}";
    }

    private static String condition(Random r, String kind) {
        String clock = "";
        if (r.nextBoolean()) {
            String step = Inputs.pick(r, List.of("1", "0.1", "0.02", "0.005", "0", "null", "0.0167"));
            clock = ", \"clock\": {\"step\": " + step + ", \"isolated\": " + r.nextBoolean() + ", \"quantized\": " + r.nextBoolean()
                    + ", \"errorBound\": " + (step.equals("null") ? "null" : Double.toString(r.nextDouble())) + "}";
            if (kind.equals("http_head") && r.nextBoolean()) {
                clock += ", \"serverTiming\": \"" + Inputs.pick(r, List.of("subtracted", "not exposed", "partly")) + "\"";
            }
        }
        return condition(r).replaceFirst("}$", clock + "}");
    }

    private static String condition(Random r) {
        List<String> rtts = new ArrayList<>();
        int n = Inputs.between(r, 0, 6);
        for (int i = 0; i < n; i++) {
            rtts.add(r.nextBoolean() ? Integer.toString(Inputs.between(r, 1, 60_000)) : String.format("%.2f", 0.01 + r.nextDouble() * 500));
        }
        return "{\"samples\": [" + String.join(", ", rtts) + "], \"lost\": " + Inputs.between(r, 0, 1_000_000) + "}";
    }

}
