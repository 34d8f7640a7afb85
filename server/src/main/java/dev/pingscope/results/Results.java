package dev.pingscope.results;

import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.RequestOrigin;
import dev.pingscope.sample.Sites;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saved results (docs/results.md), as one part of the server: the store, its own small executor and a writer
 * thread that commits saves in groups (database work never runs on a thread that serves probes), the
 * endpoints and the retention purge.
 *
 * <pre>{@code
 * Results results = Results.open(settings, instance, sites, origins, clientAddress, requestOrigin);
 * Javalin.create(c -> results.routes(c));
 * results.start();
 * }</pre>
 */
public final class Results implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Results.class);
    /** POST here saves a result; its body is read in front of Javalin (dev.pingscope.http.BodiesFirst). */
    public static final String SAVE_PATH = "/api/results";
    /** Threads, and pooled connections: a handful keeps SQLite's single writer busy and PostgreSQL light. */
    static final int THREADS = 4;
    /** Requests waiting for a thread; more answer 503 at once rather than queue without bound. */
    static final int QUEUE = 512;

    private final ResultStore store;
    private final ThreadPoolExecutor executor;
    private final SaveBatcher batcher;
    private final ResultsApi api;
    private final ResultsAdmin admin;
    private final RetentionPurge purge;

    private Results(ResultsSettings settings, String instance, Sites sites, OriginPolicy origins, ClientAddress clientAddress,
            RequestOrigin requestOrigin, Clock clock) {
        this.store = new ResultStore(settings, THREADS);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "pingscope-results-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.batcher = new SaveBatcher(store, QUEUE);
        this.api = new ResultsApi(store, batcher, executor, origins, clientAddress, requestOrigin, sites, settings, instance, clock,
                new CardCache(CardCache.DEFAULT_MAX_BYTES));
        this.admin = new ResultsAdmin(store, executor, settings.adminToken());
        this.purge = new RetentionPurge(store, settings.retention(), clock);
    }

    /**
     * Opens the store and makes the endpoints; nothing runs before {@link #start}.
     *
     * @param instance      this instance's name, stored with each result
     * @param requestOrigin the scheme and host of share links and Open Graph URLs
     */
    public static Results open(ResultsSettings settings, String instance, Sites sites, OriginPolicy origins,
            ClientAddress clientAddress, RequestOrigin requestOrigin) {
        return new Results(settings, instance, sites, origins, clientAddress, requestOrigin, Clock.systemUTC());
    }

    /** The public endpoints, and the operators' endpoints behind --admin-token, on the main port. */
    public void routes(JavalinConfig c) {
        c.routes.options("/api/results", preflight());
        c.routes.options("/api/results/{id}", preflight());
        c.routes.post(SAVE_PATH, api::save);
        c.routes.get("/api/results", admin.withToken(admin::list));
        c.routes.get("/api/results/merged", admin.withToken(admin::merged));
        c.routes.get("/api/results/{id}", api::get);
        c.routes.delete("/api/results/{id}", api::delete);
        c.routes.get("/r/{id}", api::share);
    }

    /**
     * The operators' endpoints on the admin port: with the token there too (a port is easily exposed by
     * mistake, and the listing holds client addresses); without --admin-token no port serves them.
     */
    public void adminRoutes(JavalinConfig c) {
        c.routes.get("/api/results", admin.withToken(admin::list));
        c.routes.get("/api/results/merged", admin.withToken(admin::merged));
    }

    private static Handler preflight() {
        return ctx -> {
            ctx.header("Access-Control-Allow-Methods", "POST, GET, DELETE");
            ctx.header("Access-Control-Allow-Headers", "Content-Type, X-Delete-Token");
            ctx.header("Access-Control-Max-Age", "86400");
            ctx.status(204);
        };
    }

    /** Migrates the schema (a database that is down only logs: saving answers 503 until it is back) and starts the purge. */
    public void start() {
        try {
            store.migrate();
        } catch (StorageUnavailable e) {
            LOG.warn("results: the database is unavailable for now ({}); saving answers 503 until it is back", e.getMessage());
        }
        purge.start();
    }

    /** The store (tests look into its pool). */
    ResultStore store() {
        return store;
    }

    /** Deletes the results older than the retention now (the purge also runs every hour); returns how many. */
    public int purgeNow() {
        return purge.run();
    }

    @Override
    public void close() {
        purge.close();
        batcher.close();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
