package dev.pingscope.metrics;

import dev.pingscope.intake.RejectReason;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.recording.SiteSeries;
import dev.pingscope.sample.Source;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The metrics pingscope exports (docs/metrics.md). Every labelled series is created at start from fixed
 * sets, so no label value ever comes from a client and every series exists from the first scrape.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RttHistogramCollector rtt;
    private final Map<ProbeKind, Map<Source, Counter>> accepted = new EnumMap<>(ProbeKind.class);
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Map<ProbeKind, Counter> lost = new EnumMap<>(ProbeKind.class);

    /**
     * @param version               this build's version, exported as pingscope_build_info{version}
     * @param rttSeries             the RTT series to export (see {@link SiteSeries#all})
     * @param openWebSocketSessions read at each scrape
     */
    public Metrics(String version, List<SiteSeries> rttSeries, IntSupplier openWebSocketSessions) {
        this.rtt = new RttHistogramCollector(rttSeries);
        registry.getPrometheusRegistry().register(rtt);
        for (ProbeKind kind : ProbeKind.values()) {
            Map<Source, Counter> bySource = new EnumMap<>(Source.class);
            for (Source source : Source.values()) {
                bySource.put(source, Counter.builder("pingscope.samples.accepted")
                        .description("RTT samples recorded, per probe kind and source.")
                        .tag("kind", kind.wireName()).tag("source", source.wireName())
                        .register(registry));
            }
            accepted.put(kind, bySource);
            lost.put(kind, Counter.builder("pingscope.probes.lost")
                    .description("Probes with no answer within their timeout, per probe kind.")
                    .tag("kind", kind.wireName())
                    .register(registry));
        }
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder("pingscope.intake.rejected")
                    .description("Intake batches refused, per reason; nothing of a refused batch is recorded.")
                    .tag("reason", reason.wireName())
                    .register(registry));
        }
        Gauge.builder("pingscope.websocket.sessions", openWebSocketSessions::getAsInt)
                .description("Open WebSocket sessions on /ws.")
                .register(registry);
        // The usual info-metric pattern: always 1, the version in a label, so a query can join on it or count versions.
        Gauge.builder("pingscope.build.info", () -> 1)
                .description("Always 1; the label version is the running build's version.")
                .tag("version", version)
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public RttHistogramCollector rtt() {
        return rtt;
    }

    public Counter samplesAccepted(ProbeKind kind, Source source) {
        return accepted.get(kind).get(source);
    }

    public Counter batchRejected(RejectReason reason) {
        return rejected.get(reason);
    }

    public Counter probesLost(ProbeKind kind) {
        return lost.get(kind);
    }
}
