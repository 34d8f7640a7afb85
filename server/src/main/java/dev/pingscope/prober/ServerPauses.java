package dev.pingscope.prober;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * The probed server's own pauses during the run, from its {@code GET /api/pauses} (docs/protocol.md): a
 * pingscope server tells how long it stalled itself (GC, safepoints), which bounds how much of an RTT may be
 * the server's rather than the network's. A target that is not a pingscope server (anything but a 200 with
 * pingscope's fields) yields nothing.
 *
 * @param seconds  the window asked for: the run's length, rounded up, at most an hour
 * @param maxMs    the longest pause in it
 * @param over10ms seconds of the window with a pause above 10 ms
 * @param clipped  whether the run was longer than the hour the server remembers
 */
public record ServerPauses(int seconds, double maxMs, int over10ms, boolean clipped) {
    /** The server keeps the last hour of per-second maxima. */
    static final int MAX_SECONDS = 3600;
    /** A pause above this is worth the warning; below it the sentence only gives the bound. */
    static final double NOTABLE_MS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sentence for people, as the measurement page says it too. */
    public String sentence() {
        return sentence(maxMs, clipped);
    }

    /** "The server paused up to 14 ms …" above 10 ms, else "did not pause more than N ms" (whole ms, rounded up). */
    public static String sentence(double maxMs, boolean clipped) {
        long ms = Math.max(1, (long) Math.ceil(maxMs));
        String during = clipped ? "during the last hour of this run" : "during this run";
        return maxMs > NOTABLE_MS
                ? String.format(Locale.ROOT, "The server paused up to %d ms %s; RTTs above that may be the server's own.", ms, during)
                : String.format(Locale.ROOT, "The server did not pause more than %d ms %s.", ms, during);
    }

    /**
     * Asks the target for its pauses during the last {@code runSeconds} seconds.
     *
     * @return the pauses, or null when the target is not a pingscope server or does not answer
     */
    static ServerPauses fetch(ProbeOptions options, double runSeconds) throws InterruptedException {
        long wanted = (long) Math.ceil(runSeconds);
        int seconds = (int) Math.max(1, Math.min(MAX_SECONDS, wanted));
        URI uri = Targets.http(options.target(), "/api/pauses?seconds=" + seconds);
        try {
            HttpResponse<String> response = ProbeClients.forReports(options).send(HttpRequest.newBuilder(uri)
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            JsonNode body = JSON.readTree(response.body());
            if (body == null || !body.path("maxMs").isNumber() || !body.path("over10ms").canConvertToInt()
                    || !body.path("over10ms").isIntegralNumber()) {
                return null;
            }
            return new ServerPauses(seconds, body.get("maxMs").asDouble(), body.get("over10ms").asInt(), wanted > MAX_SECONDS);
        } catch (IOException | RuntimeException e) {
            return null; // gone, or not pingscope: there is nothing to say about its pauses
        }
    }
}
