package dev.pingscope.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The one reader of request bodies: reads a body as it arrives, without a thread waiting for it (Jetty calls
 * {@link #run} again when more has arrived), and hands it on only when it is whole. It enforces three rules:
 * <ul>
 *   <li>a size cap: past it the body is no longer kept but drained, within {@link LingeringClose}'s bounds,
 *       and handed on as too large, so that the route answers 413 to a client that writes before it reads;</li>
 *   <li>a total deadline and a minimum data rate ({@link BodyLimits}), checked by Jetty's scheduler: a body
 *       that breaks either is failed, answered 408 (unless an answer has begun) and its connection closed.</li>
 * </ul>
 * A body that ends early (the client went away) fails the request's callback. {@code then} must not block:
 * it may run on a selector thread (hand on to the pool, as {@link BodiesFirst} does, or answer asynchronously).
 */
public final class BodyReader implements Invocable.Task {
    private static final int READING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long maxBytes;
    private final BodyLimits limits;
    private final Consumer<RequestBody> then;
    /** Null when the body is only counted (a stream). */
    private ByteArrayOutputStream kept;
    private final long declaredLength;
    private final long startNanos = System.nanoTime();
    private final Scheduler scheduler;
    private final AtomicInteger state = new AtomicInteger(READING);
    private volatile long received;
    /** When the body went past its cap and is being drained; 0 while it is kept. */
    private volatile long drainStartNanos;
    private long drainStartBytes;
    private long receivedAtLastCheck;
    private volatile String timeoutReason;
    private volatile Scheduler.Task check;

    private BodyReader(Request request, Response response, Callback callback, long maxBytes, BodyLimits limits, boolean keep,
            Consumer<RequestBody> then) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.maxBytes = maxBytes;
        this.limits = limits;
        this.then = then;
        this.declaredLength = request.getLength();
        this.scheduler = request.getComponents().getScheduler();
        if (declaredLength > maxBytes) {
            startDraining();
        } else if (keep) {
            kept = new ByteArrayOutputStream((int) Math.min(Math.max(declaredLength, 256), maxBytes));
        }
    }

    /**
     * Reads this request's body, keeping its bytes, and passes it to {@code then} once it is whole (on whatever
     * thread read its last bytes); {@code then} must answer on {@code callback}. On a timeout or an early end
     * the reader completes {@code callback} itself and {@code then} is never called.
     */
    public static void keep(Request request, Response response, Callback callback, long maxBytes, BodyLimits limits,
            Consumer<RequestBody> then) {
        new BodyReader(request, response, callback, maxBytes, limits, true, then).start();
    }

    /** As {@link #keep}, but the bytes are only counted and dropped as they arrive: for streams. */
    public static void count(Request request, Response response, Callback callback, long maxBytes, BodyLimits limits,
            Consumer<RequestBody> then) {
        new BodyReader(request, response, callback, maxBytes, limits, false, then).start();
    }

    private void start() {
        scheduleCheck();
        run();
    }

    /**
     * Reading copies at most the cap, and everything that follows (handing on to the pool, answering) is
     * asynchronous: Jetty may run it on the selector thread that found the data, with no hand-off.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public void run() {
        while (true) {
            if (state.get() == TIMED_OUT) {
                answerTimeout();
                return;
            }
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                if (state.get() == TIMED_OUT) {
                    answerTimeout();
                } else if (state.compareAndSet(READING, DONE)) {
                    cancelCheck();
                    callback.failed(chunk.getFailure());
                }
                return;
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            long total = received + n;
            received = total;
            if (drainStartNanos == 0 && total > maxBytes) {
                startDraining();
            }
            if (kept != null && drainStartNanos == 0) {
                keep(bytes);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last || (drainStartNanos != 0 && total - drainStartBytes > LingeringClose.MAX_BYTES)) {
                finish();
                return;
            }
        }
    }

    private void startDraining() {
        drainStartNanos = System.nanoTime();
        drainStartBytes = received;
        kept = null;
    }

    private void keep(ByteBuffer bytes) {
        if (bytes.hasArray()) {
            kept.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } else {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            kept.writeBytes(copy);
        }
    }

    /** The body is whole, or drained as far as the lingering close goes: hand it on. */
    private void finish() {
        if (!state.compareAndSet(READING, DONE)) {
            answerTimeout();
            return;
        }
        cancelCheck();
        boolean tooLarge = drainStartNanos != 0;
        then.accept(new RequestBody(tooLarge || kept == null ? new byte[0] : kept.toByteArray(), received, tooLarge));
    }

    private void scheduleCheck() {
        long delayNanos = limits.rateWindow().toNanos();
        if (!limits.deadline().isZero()) {
            delayNanos = Math.min(delayNanos, Math.max(1, startNanos + limits.deadline().toNanos() - System.nanoTime()));
        }
        check = scheduler.schedule(this::checkProgress, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelCheck() {
        Scheduler.Task task = check;
        if (task != null) {
            task.cancel();
        }
    }

    /** On Jetty's scheduler: is the body within its deadline, and did the last window bring enough? */
    private void checkProgress() {
        if (state.get() != READING) {
            return;
        }
        long now = System.nanoTime();
        long total = received;
        long drainStart = drainStartNanos;
        if (!limits.deadline().isZero() && now - startNanos >= limits.deadline().toNanos()) {
            timeOut("the request body did not arrive within " + limits.deadline().toMillis() + " ms");
            return;
        }
        if (drainStart != 0 && now - drainStart >= LingeringClose.MAX_TIME.toNanos()) {
            timeOut("the refused request body was still arriving after " + LingeringClose.MAX_TIME.toMillis() + " ms");
            return;
        }
        long needed = limits.minBytesPerWindow();
        if (declaredLength >= 0) {
            needed = Math.min(needed, declaredLength - receivedAtLastCheck);
        }
        if (total - receivedAtLastCheck < needed) {
            timeOut("the request body arrived slower than " + limits.minBytesPerSecond() + " bytes/s");
            return;
        }
        receivedAtLastCheck = total;
        scheduleCheck();
    }

    /** Fails the read: Jetty then calls {@link #run} (if it waits for data), which answers 408. */
    private void timeOut(String reason) {
        if (state.compareAndSet(READING, TIMED_OUT)) {
            timeoutReason = reason;
            request.fail(new TimeoutException(reason));
        }
    }

    private void answerTimeout() {
        if (response.isCommitted()) {
            callback.failed(new TimeoutException(timeoutReason));
            return;
        }
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        Response.writeError(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408, timeoutReason);
    }
}
