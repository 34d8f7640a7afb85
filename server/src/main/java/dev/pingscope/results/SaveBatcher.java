package dev.pingscope.results;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Group commit: one writer thread takes every save waiting and stores them in one transaction, then
 * acknowledges each. A commit costs a sync to disk (SQLite's WAL, PostgreSQL's WAL), so saves that arrive
 * together share one; a save is acknowledged only after the commit that holds it. When the queue is full a
 * save fails at once (503) instead of waiting without bound.
 */
final class SaveBatcher implements AutoCloseable {
    /** The most saves in one transaction. */
    static final int MAX_BATCH = 200;

    private record Pending(StoredResult result, CompletableFuture<Void> done) {}

    private final ResultStore store;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private volatile boolean closed;

    SaveBatcher(ResultStore store, int capacity) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::run, "pingscope-results-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Completes when the result is committed; fails with StorageUnavailable or RejectedExecutionException. */
    CompletableFuture<Void> save(StoredResult result) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed || !queue.offer(new Pending(result, done))) {
            done.completeExceptionally(new RejectedExecutionException("too many saves waiting"));
        }
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                store.insertAll(batch.stream().map(Pending::result).toList());
                batch.forEach(p -> p.done().complete(null));
            } catch (RuntimeException e) {
                batch.forEach(p -> p.done().completeExceptionally(e));
            }
            batch.clear();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.done().completeExceptionally(new RejectedExecutionException("the server is stopping")));
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
