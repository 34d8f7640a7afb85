package dev.pingscope.load;

import dev.pingscope.http.LingeringClose;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Reads one upload's body as it arrives and throws it away, chunk by chunk, without a thread waiting
 * (Jetty calls {@link #run} again when more has arrived); then answers {@code {"bytes": N}}. A body longer
 * than the cap gets 413 once it has been read to its end, or to {@link LingeringClose}'s bounds: answering
 * while the client still writes would end in a reset that loses the answer.
 */
final class UploadSink implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback done;
    private final long maxBytes;
    private final Runnable release;
    private long read;
    /** When, and after how many bytes, the body was refused (0 and 0 while it is accepted). */
    private long refusedAtNanos;
    private long refusedAtBytes;

    /** @param refused the body is known to be too large (its Content-Length): discard it and answer 413 */
    UploadSink(Request request, Response response, Callback done, long maxBytes, Runnable release, boolean refused) {
        this.refusedAtNanos = refused ? System.nanoTime() : 0;
        this.request = request;
        this.response = response;
        this.done = done;
        this.maxBytes = maxBytes;
        this.release = release;
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                release.run();
                done.failed(chunk.getFailure());
                return;
            }
            read += chunk.remaining();
            boolean last = chunk.isLast();
            chunk.release();
            if (read > maxBytes && refusedAtNanos == 0) {
                release.run(); // discarding the rest is no longer a load stream
                refusedAtNanos = System.nanoTime();
                refusedAtBytes = read;
            }
            if (refusedAtNanos != 0) {
                if (last || read - refusedAtBytes > LingeringClose.MAX_BYTES
                        || System.nanoTime() - refusedAtNanos > LingeringClose.MAX_NANOS) {
                    Response.writeError(request, response, done, HttpStatus.PAYLOAD_TOO_LARGE_413,
                            "the body is larger than " + maxBytes + " bytes (--load-max-bytes)");
                    return;
                }
                continue;
            }
            if (last) {
                release.run();
                response.setStatus(HttpStatus.OK_200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(("{\"bytes\":" + read + "}").getBytes(StandardCharsets.US_ASCII)), done);
                return;
            }
        }
    }
}
