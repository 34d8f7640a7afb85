package dev.pingscope.results;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes results older than --results-retention: a minute after start, then every hour. */
final class RetentionPurge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionPurge.class);

    private final ResultStore store;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pingscope-results-purge");
        t.setDaemon(true);
        return t;
    });

    RetentionPurge(ResultStore store, Duration retention, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    private volatile java.util.concurrent.ScheduledFuture<?> schedule;

    void start() {
        schedule = timer.scheduleWithFixedDelay(this::runQuietly, 1, 60, TimeUnit.MINUTES);
    }

    /** Purges now; returns how many results were deleted. */
    int run() {
        int deleted = store.purgeBefore(clock.instant().minus(retention));
        if (deleted > 0) {
            LOG.info("results: purged {} older than {}", deleted, retention);
        }
        return deleted;
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.warn("results: purge failed, retrying in an hour: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
        timer.shutdownNow();
    }
}
