package dev.pingscope.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.PingscopeServer;
import dev.pingscope.TestServer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** A latency instrument shows its own pauses: the JVM's GC, heap and threads are on /metrics. */
@Isolated // System.gc() stops every server in this JVM, a neighbour's included
class JvmMetricsTest {

    @Test
    void gc_heap_and_threads_are_exported_and_move() throws Exception {
        try (TestServer ts = TestServer.start()) {
            String body = ts.get("/metrics").body();
            String gcCount = body.lines().filter(l -> l.startsWith("jvm_gc_collection_seconds_count{"))
                    .findFirst().orElseThrow(() -> new AssertionError("no GC series in\n" + body));
            assertTrue(gcCount.contains("gc=\""), "per collector: " + gcCount);
            assertTrue(ts.metric("jvm_memory_used_bytes{area=\"heap\"}") > 0, "heap in use");
            assertTrue(ts.metric("jvm_threads_current") > 1, "threads");
            assertTrue(ts.metric("process_resident_memory_bytes") > 0, "resident memory");
            // A full collection is counted by some collector: the sum of every collector's count must grow.
            double before = gcCollections(ts);
            System.gc();
            TestServer.await("a GC counted", Duration.ofSeconds(10), () -> {
                try {
                    return gcCollections(ts) > before;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** client_java's JvmMetrics keeps every registry it was given: the JVM's metrics must not hold a stopped server. */
    @Test
    void a_stopped_server_is_not_kept_alive_by_the_jvm_metrics() throws Exception {
        List<WeakReference<PingscopeServer>> stopped = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestServer ts = TestServer.start();
            assertTrue(ts.get("/metrics").body().contains("jvm_threads_current"), "JVM metrics exported");
            stopped.add(new WeakReference<>(ts.server));
            ts.close();
        }
        TestServer.await("every stopped server collected", Duration.ofSeconds(20), () -> {
            System.gc();
            return stopped.stream().allMatch(r -> r.get() == null);
        });
    }

    private static double gcCollections(TestServer ts) throws Exception {
        return ts.get("/metrics").body().lines().filter(l -> l.startsWith("jvm_gc_collection_seconds_count{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
