package dev.pingscope.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The JVM's own metrics (memory, GC, threads), in one registry per process: they describe the process, not a
 * server. client_java's JvmMetrics keeps every registry it was given in a static set, so registering them into
 * each server's registry kept every stopped server's registry alive, and with it the server's RTT histograms
 * (about 9 MB each): a test JVM that starts hundreds of servers ran out of heap.
 */
final class JvmMetricsRegistry {
    static final PrometheusRegistry REGISTRY = create();

    private JvmMetricsRegistry() {}

    private static PrometheusRegistry create() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return registry;
    }
}
