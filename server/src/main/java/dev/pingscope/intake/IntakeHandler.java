package dev.pingscope.intake;

import dev.pingscope.http.RequestBody;
import dev.pingscope.http.RequestHost;
import dev.pingscope.recording.RttRecorders;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Sites;
import dev.pingscope.sample.Source;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
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
 * <p>The body is read before this handler runs, without holding a thread, within its deadline and minimum
 * rate ({@link dev.pingscope.http.BodyReader}); a body over the cap arrives here drained and marked too
 * large (a lingering close), so that a client that writes its whole body before reading reads its 413.
 */
public final class IntakeHandler implements Handler {
    public static final String PATH = "/api/samples";

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
            answer(ctx, rejected);
        }
    }

    private static void answer(Context ctx, BatchRejected rejected) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", rejected.reason().wireName());
        body.put("message", rejected.getMessage());
        ctx.status(rejected.reason().httpStatus()).json(body);
    }

    /** The body {@link dev.pingscope.http.BodiesFirst} read, whole, before this handler ran. */
    private byte[] readBody(Context ctx) throws BatchRejected {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json") && !type.startsWith("text/plain")) {
            throw new BatchRejected(RejectReason.UNSUPPORTED_MEDIA_TYPE,
                    "send the batch as application/json or text/plain, not '" + ctx.contentType() + "'");
        }
        RequestBody body = RequestBody.of(ctx.req())
                .orElseThrow(() -> new BatchRejected(RejectReason.MALFORMED, "the body could not be read"));
        if (body.tooLarge()) {
            throw tooLarge();
        }
        return body.bytes();
    }

    private BatchRejected tooLarge() {
        return new BatchRejected(RejectReason.BODY_TOO_LARGE, "the body is larger than " + maxBodyBytes + " bytes");
    }
}
