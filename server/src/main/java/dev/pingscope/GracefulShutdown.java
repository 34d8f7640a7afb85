package dev.pingscope;

import dev.pingscope.http.Readiness;
import dev.pingscope.recording.IntervalReporter;
import dev.pingscope.websocket.WebSocketProbes;
import java.time.Duration;

/**
 * The order of a graceful shutdown: /readyz turns 503 first and the server keeps serving for
 * {@link #drainDelay}, so that balancers stop sending new clients; then every WebSocket is closed with
 * 1001 (going away) and given at most half the grace period to go, the last interval is recorded (and
 * appended to --hlog-dir), and the server stops.
 */
final class GracefulShutdown {
    private GracefulShutdown() {}

    static void run(Duration grace, Readiness readiness, WebSocketProbes webSockets, IntervalReporter reporter,
            Runnable stop) {
        readiness.set(false);
        sleep(drainDelay(grace));
        webSockets.closeAll("server shutting down");
        long deadline = System.nanoTime() + grace.toNanos() / 2;
        while (webSockets.openSessions() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(10));
        }
        reporter.reportNow();
        stop.run();
    }

    /** How long a graceful shutdown keeps serving after /readyz turned 503: a quarter of the grace, at most 2 s. */
    static Duration drainDelay(Duration grace) {
        Duration quarter = grace.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : quarter;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
