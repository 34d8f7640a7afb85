package dev.pingscope.load;

import java.nio.ByteBuffer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Writes one download's body asynchronously: a write of up to {@link RandomBytes#SIZE} bytes, and the next
 * one when Jetty says the last has gone, so a slow reader holds no thread. The same view of the random
 * bytes is rewound for every write: no allocation per chunk.
 */
final class DownloadStream extends IteratingCallback {
    private final Response response;
    private final Callback done;
    private final Runnable release;
    private final ByteBuffer bytes = RandomBytes.view();
    private long remaining;

    /**
     * @param remaining bytes to send
     * @param done      the request's callback, completed when the body is sent or the client went away
     * @param release   gives back the stream's slot (run once, however the stream ends)
     */
    DownloadStream(Response response, long remaining, Callback done, Runnable release) {
        this.response = response;
        this.remaining = remaining;
        this.done = done;
        this.release = release;
    }

    @Override
    protected Action process() {
        if (remaining == 0) {
            return Action.SUCCEEDED;
        }
        int n = (int) Math.min(remaining, RandomBytes.SIZE);
        remaining -= n;
        bytes.limit(n).position(0);
        response.write(remaining == 0, bytes, this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
        release.run();
        done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        release.run();
        done.failed(cause);
    }
}
