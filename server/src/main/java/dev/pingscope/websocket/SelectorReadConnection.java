package dev.pingscope.websocket;

import java.util.concurrent.Executor;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

/**
 * Jetty's WebSocket connection, read on the selector thread that saw the bytes arrive. Jetty's own asks for
 * read interest with a blocking callback, so every readable connection is handed to a pool thread: one
 * thread wake-up (and a selector wake-up to re-arm the interest) per PONG and per echo, which at 10,000
 * held connections was most of the CPU a PING round trip cost (docs/performance.md). The frame handler
 * ({@link ProbeSocket}) never blocks: it records, queues its writes with Jetty's non-blocking flusher and
 * asks for the next frame, so it may run where the bytes are read.
 */
final class SelectorReadConnection extends WebSocketConnection {
    private final Callback readable = new ReadOnSelector();

    SelectorReadConnection(EndPoint endPoint, Executor executor, Scheduler scheduler, ByteBufferPool buffers,
            WebSocketCoreSession session) {
        super(endPoint, executor, scheduler, buffers, session);
    }

    @Override
    public void fillInterested() {
        fillInterested(readable);
    }

    /** Tells the selector that reading this connection does not block, so that it reads it itself. */
    private final class ReadOnSelector implements Callback {
        @Override
        public void succeeded() {
            onFillable();
        }

        @Override
        public void failed(Throwable failure) {
            onFillInterestedFailed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
