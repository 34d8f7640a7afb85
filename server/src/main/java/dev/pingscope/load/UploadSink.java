package dev.pingscope.load;

import dev.pingscope.http.BodyLimits;
import dev.pingscope.http.BodyReader;
import dev.pingscope.http.RequestBody;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One upload: its body is counted and dropped as it arrives by {@link BodyReader} (no thread waits, no
 * total deadline, the streams' minimum rate), then answered {@code {"bytes": N}}. A body longer than the cap
 * gets 413 once it has been drained (the reader's lingering close): answering while the client still writes
 * would end in a reset that loses the answer.
 */
final class UploadSink {
    private UploadSink() {}

    /** @param release gives the load stream's slot back: run once the upload ends, however it ends */
    static void start(Request request, Response response, Callback callback, long maxBytes, BodyLimits limits, Runnable release) {
        Callback done = Callback.from(callback, release);
        BodyReader.count(request, response, done, maxBytes, limits, body -> answer(request, response, done, maxBytes, body));
    }

    private static void answer(Request request, Response response, Callback done, long maxBytes, RequestBody body) {
        if (body.tooLarge()) {
            Response.writeError(request, response, done, HttpStatus.PAYLOAD_TOO_LARGE_413,
                    "the body is larger than " + maxBytes + " bytes (--load-max-bytes)");
            return;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(("{\"bytes\":" + body.length() + "}").getBytes(StandardCharsets.US_ASCII)), done);
    }
}
