package dev.pingscope.load;

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
 * than the cap gets 413 as soon as the cap is passed.
 */
final class UploadSink implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback done;
    private final long maxBytes;
    private final Runnable release;
    private long read;

    UploadSink(Request request, Response response, Callback done, long maxBytes, Runnable release) {
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
            if (read > maxBytes) {
                release.run();
                Response.writeError(request, response, done, HttpStatus.PAYLOAD_TOO_LARGE_413,
                        "the body is larger than " + maxBytes + " bytes (--load-max-bytes)");
                return;
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
