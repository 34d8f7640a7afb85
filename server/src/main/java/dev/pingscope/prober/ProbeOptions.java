package dev.pingscope.prober;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * What one {@code pingscope probe} run does.
 *
 * @param target      the server's base URL (http:// or https://host:port); /ping and /ws (ws:// or wss://) are appended
 * @param kinds       probe kinds to run; ws_ping needs ws_echo's connections and the server's ping_rtt messages
 * @param rate        probes per second per kind, all connections together; 0 means as fast as possible (closed loop)
 * @param connections connections per kind (each carries one probe at a time, like wrk2)
 * @param duration    how long to probe after the warm-up
 * @param timeout     a probe with no answer after this long is lost
 * @param warmup      probes per connection discarded at the start
 * @param reportTo    a pingscope server to send the samples to as source "synthetic", or null
 * @param hlog        an HdrHistogram interval log to write, or null
 * @param http11      HEAD over HTTP/1.1 even where the server offers HTTP/2 (https only; http:// is always 1.1)
 * @param trust       which servers' certificates https:// and wss:// accept
 * @param load        after the idle phase, saturate this direction (docs/load.md); IDLE for no loaded phase
 * @param loadDuration the longest the loaded phase (ramp included) may take
 * @param loadInterval the responsiveness draft's interval (ID): goodput, RPM and stability are taken once per interval
 */
public record ProbeOptions(
        URI target,
        Set<ProbeKind> kinds,
        double rate,
        int connections,
        Duration duration,
        Duration timeout,
        int warmup,
        URI reportTo,
        Path hlog,
        boolean http11,
        TlsTrust trust,
        Load load,
        Duration loadDuration,
        Duration loadInterval) {

    public ProbeOptions {
        kinds = Set.copyOf(kinds);
    }

    public boolean loaded() {
        return load != Load.IDLE;
    }

    public boolean closedLoop() {
        return rate <= 0;
    }

    /** Nanoseconds between two probes on one connection, in the open-loop schedule. */
    public long periodPerConnectionNanos() {
        return closedLoop() ? 0 : Math.round(connections * 1e9 / rate);
    }
}
