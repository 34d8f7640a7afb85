package dev.pingscope.intake;

import dev.pingscope.metrics.Metrics;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Sites;
import dev.pingscope.sample.Source;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/samples}: batches of client-measured RTTs, as {@code application/json} or as
 * {@code text/plain} (what navigator.sendBeacon sends, with no CORS preflight). A valid batch is recorded
 * under its source ("browser" unless it says "synthetic") and, for browser samples, under the site of the
 * page that sent it ({@link Sites#attribute}: from the Origin header, always one of the configured set). A
 * rejected batch gets a JSON error naming the problem and changes nothing but the rejection counter.
 */
public final class IntakeHandler implements Handler {
    public static final String PATH = "/api/samples";

    private final SampleBatchParser parser;
    private final Sites sites;
    private final RttRecorders recorders;
    private final Metrics metrics;
    private final int maxBodyBytes;

    public IntakeHandler(SampleBatchParser parser, Sites sites, RttRecorders recorders, Metrics metrics, int maxBodyBytes) {
        this.parser = parser;
        this.sites = sites;
        this.recorders = recorders;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        try {
            SampleBatch batch = parser.parse(readBody(ctx));
            Site site = batch.source() == Source.BROWSER
                    ? sites.attribute(ctx.header("Origin"), ctx.header("Host"))
                    : Site.NONE;
            for (Map.Entry<ProbeKind, List<Long>> entry : batch.micros().entrySet()) {
                for (long micros : entry.getValue()) {
                    recorders.recordMicros(entry.getKey(), batch.source(), site, micros);
                }
                metrics.samplesAccepted(entry.getKey(), batch.source()).increment(entry.getValue().size());
            }
            ctx.json(Map.of("accepted", batch.size()));
        } catch (BatchRejected rejected) {
            reject(ctx, rejected);
        }
    }

    /** Answers with the rejection's status and {"error": reason, "message": …}, and counts it. */
    public void reject(Context ctx, BatchRejected rejected) {
        metrics.batchRejected(rejected.reason()).increment();
        ctx.status(rejected.reason().httpStatus())
                .json(Map.of("error", rejected.reason().wireName(), "message", rejected.getMessage()));
    }

    private byte[] readBody(Context ctx) throws BatchRejected, IOException {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json") && !type.startsWith("text/plain")) {
            throw new BatchRejected(RejectReason.UNSUPPORTED_MEDIA_TYPE,
                    "send the batch as application/json or text/plain, not '" + ctx.contentType() + "'");
        }
        if (ctx.req().getContentLengthLong() > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private BatchRejected tooLarge() {
        return new BatchRejected(RejectReason.BODY_TOO_LARGE, "the body is larger than " + maxBodyBytes + " bytes");
    }
}
