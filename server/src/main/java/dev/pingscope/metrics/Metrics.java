package dev.pingscope.metrics;

import dev.pingscope.datagram.DatagramCounters;
import dev.pingscope.intake.IntakeEvents;
import dev.pingscope.intake.RejectReason;
import dev.pingscope.recording.SiteSeries;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Source;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * The metrics pingscope exports (docs/metrics.md), all on one API: Prometheus' client_java, whose registry
 * also serves the RTT histograms (they need native buckets, which no other API here can express) and the
 * JVM's own figures (GC, heap, threads), so that the instrument shows its own pauses. Every labelled series
 * is created at start from fixed sets, so no label value ever comes from a client, and only label sets
 * that can move exist.
 */
public final class Metrics implements IntakeEvents {
    /** Kinds and sources the intake accepts: browsers and synthetic clients time http_head and ws_echo, browsers udp_echo. */
    static final List<ProbeKind> CLIENT_TIMED = List.of(ProbeKind.HTTP_HEAD, ProbeKind.WS_ECHO, ProbeKind.UDP_ECHO);
    static final List<Source> CLIENT_SOURCES = List.of(Source.BROWSER, Source.SYNTHETIC);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RttHistogramCollector rtt;
    private final HiccupHistogramCollector hiccups = new HiccupHistogramCollector();
    private final Map<ProbeKind, Map<Source, CounterDataPoint>> accepted = new EnumMap<>(ProbeKind.class);
    private final Map<RejectReason, CounterDataPoint> rejected = new EnumMap<>(RejectReason.class);
    private final CounterDataPoint pingsLost;
    /** The connection kinds whose kernel RTT probes can ask for: HEAD's connections, and the WebSocket's (echo and PING share it). */
    public static final List<String> KERNEL_RTT_KINDS = List.of("http_head", "ws");
    /** Upper bounds of pingscope_kernel_rtt_seconds: 100 µs to 5 s, about two per octave where RTTs usually sit. */
    private static final double[] KERNEL_RTT_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1,
        0.2, 0.5, 1, 2, 5};
    private final Map<String, DistributionDataPoint> kernelRtt = new HashMap<>();
    private final String region;

    /**
     * Registers every metric.
     *
     * @param version               this build's version, exported as pingscope_build_info{version}
     * @param region                this instance's region (--region): the region label of the series an operator
     *                              compares across regions (RTT, samples accepted, probes lost, WebSocket sessions);
     *                              one value per instance, so it adds no series
     * @param rttSeries             the RTT series to export (see {@link SiteSeries#all})
     */
    public Metrics(String version, String region, List<SiteSeries> rttSeries) {
        this.region = region;
        this.rtt = new RttHistogramCollector(rttSeries, region);
        registry.register(rtt);
        registry.register(hiccups);
        Counter acceptedCounter = Counter.builder().name("pingscope_samples_accepted")
                .help("RTT samples recorded by the intake, per probe kind and source.")
                .labelNames("kind", "source", "region").withoutExemplars().register(registry);
        for (ProbeKind kind : CLIENT_TIMED) {
            Map<Source, CounterDataPoint> bySource = new EnumMap<>(Source.class);
            for (Source source : CLIENT_SOURCES) {
                if (source.measures(kind)) {
                    bySource.put(source, acceptedCounter.labelValues(kind.wireName(), source.wireName(), region));
                }
            }
            accepted.put(kind, bySource);
        }
        Counter rejectedCounter = Counter.builder().name("pingscope_intake_rejected")
                .help("Intake batches refused, per reason; nothing of a refused batch is recorded.")
                .labelNames("reason").withoutExemplars().register(registry);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, rejectedCounter.labelValues(reason.wireName()));
        }
        // Only the server times a probe it can lose: clients keep their own losses (result.probes[kind].lost).
        this.pingsLost = Counter.builder().name("pingscope_probes_lost")
                .help("Probes with no answer within their timeout, per probe kind (the server's PINGs).")
                .labelNames("kind", "region").withoutExemplars().register(registry)
                .labelValues(ProbeKind.WS_PING.wireName(), region);
        Histogram kernel = Histogram.builder().name("pingscope_kernel_rtt_seconds")
                .help("The kernel's RTT (TCP_INFO) of the probe connections that asked for it, per connection kind: the"
                        + " reference each probe is compared with (http_head: smoothed RTT, ws: min_rtt; docs/protocol.md).")
                .labelNames("kind", "region").classicOnly().classicUpperBounds(KERNEL_RTT_BOUNDS).withoutExemplars()
                .register(registry);
        for (String kind : KERNEL_RTT_KINDS) {
            kernelRtt.put(kind, kernel.labelValues(kind, region));
        }
        // The usual info-metric pattern: always 1, the version in a label, so a query can join on it or count versions.
        GaugeWithCallback.builder().name("pingscope_build_info")
                .help("Always 1; the label version is the running build's version.")
                .labelNames("version")
                .callback(cb -> cb.call(1, version))
                .register(registry);
    }

    /** Exports the number of open WebSocket sessions, read at each scrape. */
    public void exportOpenSessions(IntSupplier openWebSocketSessions) {
        GaugeWithCallback.builder().name("pingscope_websocket_sessions")
                .help("Open WebSocket sessions on /ws.")
                .labelNames("region")
                .callback(cb -> cb.call(openWebSocketSessions.getAsInt(), region))
                .register(registry);
    }

    /**
     * Exports the udp_echo listener's counts (docs/metrics.md), read at each scrape: datagrams by what became of
     * them, sessions by how they began or were refused, and the sessions open now. Outcomes are fixed enums.
     */
    public void exportDatagrams(DatagramCounters counters, IntSupplier openSessions) {
        CounterWithCallback.builder().name("pingscope_udp_datagrams")
                .help("udp_echo datagrams received, by outcome: echoed, count_answered, duplicate, malformed, wrong_session,"
                        + " rate_limited.")
                .labelNames("outcome")
                .callback(cb -> {
                    for (DatagramCounters.Datagram d : DatagramCounters.Datagram.values()) {
                        cb.call((double) counters.datagrams(d), d.name().toLowerCase(Locale.ROOT));
                    }
                })
                .register(registry);
        CounterWithCallback.builder().name("pingscope_udp_sessions_started")
                .help("udp_echo sessions (QUIC connections) by outcome: opened, or why not.")
                .labelNames("outcome")
                .callback(cb -> {
                    for (DatagramCounters.Session s : DatagramCounters.Session.values()) {
                        cb.call((double) counters.sessions(s), s.name().toLowerCase(Locale.ROOT));
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("pingscope_udp_sessions")
                .help("udp_echo QUIC connections open now (with or without their session yet).")
                .labelNames("region")
                .callback(cb -> cb.call(openSessions.getAsInt(), region))
                .register(registry);
    }

    /** Exports the number of open load streams (docs/load.md), read at each scrape. */
    public void exportLoadStreams(IntSupplier openLoadStreams) {
        GaugeWithCallback.builder().name("pingscope_load_streams")
                .help("Open load streams on /load/download and /load/upload (requests above 64 KiB).")
                .callback(cb -> cb.call(openLoadStreams.getAsInt()))
                .register(registry);
    }

    /** Everything /metrics exposes: this server's metrics, then the process's JVM metrics. */
    public MetricSnapshots scrape() {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        registry.scrape().forEach(all::metricSnapshot);
        JvmMetricsRegistry.REGISTRY.scrape().forEach(all::metricSnapshot);
        return all.build();
    }

    public RttHistogramCollector rtt() {
        return rtt;
    }

    /** The server's own pauses, refreshed by the reporter (pingscope_server_hiccup_seconds). */
    public HiccupHistogramCollector hiccups() {
        return hiccups;
    }

    /** Where a probe connection's kernel RTT (µs) goes, for one of {@link #KERNEL_RTT_KINDS}. */
    public LongConsumer kernelRtt(String kind) {
        DistributionDataPoint point = kernelRtt.get(kind);
        if (point == null) {
            throw new IllegalArgumentException("no kernel RTT series for " + kind);
        }
        return micros -> point.observe(micros / 1e6);
    }

    /** Counts one server PING that got no PONG in time. */
    public void pingLost() {
        pingsLost.inc();
    }

    @Override
    public void accepted(ProbeKind kind, Source source, int samples) {
        Map<Source, CounterDataPoint> bySource = accepted.get(kind);
        CounterDataPoint counter = bySource == null ? null : bySource.get(source);
        if (counter == null) {
            throw new IllegalArgumentException("the intake does not accept " + kind.wireName() + " from " + source.wireName());
        }
        counter.inc(samples);
    }

    @Override
    public void rejected(RejectReason reason) {
        rejected.get(reason).inc();
    }
}
