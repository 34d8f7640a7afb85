package dev.pingscope.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The clock one probe kind was timed with under one condition, as pingscope-clock.js reports it
 * ({@code probes[kind].clock}, docs/embedding.md "The clock"), kept with a saved result so that its share page
 * says how fine the readings were.
 *
 * @param stepMs       the clock's step in ms, or null (ws_ping: timed by the server)
 * @param errorBoundMs what the clock leaves uncertain in p50, ms, or null with no step
 */
record SavedClock(Double stepMs, boolean isolated, boolean quantized, Double errorBoundMs) {
    /** The coarsest step a browser uses (Firefox with resistFingerprinting: 16.7 ms), with room. */
    static final double MAX_STEP_MS = 100;
    static final double MAX_ERROR_BOUND_MS = 60_000;
    static final Set<String> SERVER_TIMINGS = Set.of("subtracted", "not exposed", "partly");

    /** The save body's {@code clock} of a condition; null when absent. */
    static SavedClock parse(JsonNode clock, String at) throws InvalidSave {
        if (clock == null || clock.isNull()) {
            return null;
        }
        if (!clock.isObject()) {
            throw InvalidSave.invalid(at + " must be an object {step, isolated, quantized, errorBound}");
        }
        SaveRequest.onlyFields(clock, at + ".", Set.of("step", "isolated", "quantized", "errorBound"));
        Double step = SaveRequest.optionalNumber(clock.get("step"), at + ".step", 0, MAX_STEP_MS);
        Double bound = SaveRequest.optionalNumber(clock.get("errorBound"), at + ".errorBound", 0, MAX_ERROR_BOUND_MS);
        if ((step == null) != (bound == null)) {
            // pingscope-clock.js bounds every step it found; the pages print the bound beside the step
            throw InvalidSave.invalid(at + ".errorBound must be a number when step is one, and null when step is null");
        }
        return new SavedClock(step, bool(clock.get("isolated"), at + ".isolated"), bool(clock.get("quantized"), at + ".quantized"), bound);
    }

    /** The save body's {@code serverTiming} of an http_head condition (null when absent). */
    static String serverTiming(JsonNode timing, String kind, String at) throws InvalidSave {
        if (timing == null || timing.isNull()) {
            return null;
        }
        if (!kind.equals("http_head")) {
            throw InvalidSave.invalid(at + " belongs to http_head only");
        }
        if (!timing.isTextual() || !SERVER_TIMINGS.contains(timing.asText())) {
            throw InvalidSave.invalid(at + " must be one of subtracted, not exposed, partly, not " + SaveRequest.shown(timing));
        }
        return timing.asText();
    }

    private static boolean bool(JsonNode b, String at) throws InvalidSave {
        if (b == null || !b.isBoolean()) {
            throw InvalidSave.invalid(at + " must be true or false");
        }
        return b.booleanValue();
    }

    /** {step, isolated, quantized, errorBound}, as stored and as answered. */
    ObjectNode json(ObjectNode c) {
        putNullable(c, "step", stepMs);
        c.put("isolated", isolated);
        c.put("quantized", quantized);
        putNullable(c, "errorBound", errorBoundMs);
        return c;
    }

    private static void putNullable(ObjectNode node, String field, Double value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    /** Reads what {@link #json} stored; null for a condition saved without one (results older than the field). */
    static SavedClock read(JsonNode c) {
        if (c == null || !c.isObject()) {
            return null;
        }
        return new SavedClock(nullable(c.get("step")), c.path("isolated").asBoolean(), c.path("quantized").asBoolean(),
                nullable(c.get("errorBound")));
    }

    private static Double nullable(JsonNode n) {
        return n == null || n.isNull() ? null : n.asDouble();
    }
}
