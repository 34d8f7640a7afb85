package dev.pingscope.results;

import io.javalin.http.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database work for a request, off the request's thread: run on the results' own executor and answered on
 * completion (Javalin's async context), so that no thread serving probes ever waits for the database. A
 * database that cannot be reached, or an executor with no room left, answers 503 with Retry-After.
 */
final class DatabaseWork {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWork.class);

    private final Executor executor;

    DatabaseWork(Executor executor) {
        this.executor = executor;
    }

    /** Runs the work on the results' executor and answers with its outcome. */
    <T> void run(Context ctx, Supplier<T> work, Consumer<T> answer) {
        CompletableFuture<T> future;
        try {
            future = CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            Replies.unavailable(ctx);
            return;
        }
        answer(ctx, future, answer);
    }

    /** Answers with the outcome of work already under way (a save in the group-commit batcher). */
    static <T> void answer(Context ctx, CompletableFuture<T> future, Consumer<T> answer) {
        ctx.future(() -> future.handle((value, failure) -> {
            if (failure == null) {
                answer.accept(value);
                return null;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof RejectedExecutionException) {
                LOG.debug("results: {}", cause.getMessage());
            } else if (cause instanceof StorageUnavailable) {
                LOG.warn("results: {}", cause.getMessage());
            } else {
                LOG.warn("results: {}", cause.toString(), cause);
            }
            Replies.unavailable(ctx);
            return null;
        }));
    }
}
