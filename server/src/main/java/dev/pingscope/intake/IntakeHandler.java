package dev.pingscope.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pingscope.http.LingeringClose;
import dev.pingscope.http.RequestHost;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Sites;
import dev.pingscope.sample.Source;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/samples}: batches of client-measured RTTs, as {@code application/json} or as
 * {@code text/plain} (what navigator.sendBeacon sends, with no CORS preflight). The {@link IntakePolicy}
 * decides first whether this client may post at all. A valid batch is recorded under its source
 * ("browser" unless it says "synthetic") and its load condition ("idle" unless it says otherwise) and, for browser samples, under the site of the page that sent it
 * ({@link Sites#attribute}: from the Origin header, always one of the configured set). A rejected batch
 * gets a JSON error naming the problem and changes nothing but the rejection counter.
 *
 * <p>A refusal sent before the body was read is followed by a lingering close, as nginx does: the rest of
 * the body is read and discarded (within {@link LingeringClose}'s bounds),
 * so that a client that writes its whole body before reading still reads the answer instead of a reset.
 */
public final class IntakeHandler implements Handler {
    public static final String PATH = "/api/samples";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IntakePolicy policy;
    private final SampleBatchParser parser;
    private final Sites sites;
    private final RttRecorders recorders;
    private final IntakeEvents events;
    private final int maxBodyBytes;

    public IntakeHandler(IntakePolicy policy, SampleBatchParser parser, Sites sites, RttRecorders recorders,
            IntakeEvents events, int maxBodyBytes) {
        this.policy = policy;
        this.parser = parser;
        this.sites = sites;
        this.recorders = recorders;
        this.events = events;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        try {
            policy.check(ctx);
            SampleBatch batch = parser.parse(readBody(ctx));
            Site site = batch.source() == Source.BROWSER
                    ? sites.attribute(ctx.header("Origin"), RequestHost.of(ctx))
                    : Site.NONE;
            for (Map.Entry<ProbeKind, List<Long>> entry : batch.micros().entrySet()) {
                for (long micros : entry.getValue()) {
                    recorders.recordMicros(entry.getKey(), batch.source(), site, batch.load(), micros);
                }
                events.accepted(entry.getKey(), batch.source(), entry.getValue().size());
            }
            ctx.json(Map.of("accepted", batch.size()));
        } catch (BatchRejected rejected) {
            events.rejected(rejected.reason());
            answerThenDiscardBody(ctx, rejected);
        }
    }

    /**
     * Sends the refusal now, then reads what is left of the body and throws it away: closing a connection
     * with unread input makes the kernel reset it, and the client would lose the answer it has not read yet.
     */
    private static void answerThenDiscardBody(Context ctx, BatchRejected rejected) throws IOException {
        HttpServletResponse response = ctx.res();
        byte[] body = JSON.writeValueAsBytes(Map.of("error", rejected.reason().wireName(), "message", rejected.getMessage()));
        response.setStatus(rejected.reason().httpStatus());
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
        InputStream in = ctx.req().getInputStream();
        byte[] sink = new byte[16 * 1024];
        long discarded = 0;
        long deadline = System.nanoTime() + LingeringClose.MAX_NANOS;
        int n;
        while (discarded < LingeringClose.MAX_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) >= 0) {
            discarded += n;
        }
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
        InputStream in = ctx.req().getInputStream();
        byte[] body = in.readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            throw tooLarge();
        }
        return body;
    }

    private BatchRejected tooLarge() {
        return new BatchRejected(RejectReason.BODY_TOO_LARGE, "the body is larger than " + maxBodyBytes + " bytes");
    }
}
