package dev.pingscope.results;

import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.ClientId;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.RateLimiter;
import dev.pingscope.http.RequestBody;
import dev.pingscope.http.RequestHost;
import dev.pingscope.http.RequestOrigin;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Sites;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The public results endpoints: {@code POST /api/results}, {@code GET} and {@code DELETE /api/results/{id}},
 * and the share page {@code GET /r/{id}} with its card {@code /r/{id}.png}. Who may save and how big a save
 * may be are decided on the request thread, before any database work; the database work itself runs on the
 * results' own executor (Javalin's async context), never on a thread that serves probes.
 */
final class ResultsApi {

    private final ResultStore store;
    private final SaveBatcher batcher;
    private final DatabaseWork database;
    private final OriginPolicy origins;
    private final ClientAddress clientAddress;
    private final RequestOrigin requestOrigin;
    private final Sites sites;
    private final RateLimiter limiter;
    private final ResultsSettings settings;
    private final String instance;
    private final Clock clock;
    private final CardCache cards;

    ResultsApi(ResultStore store, SaveBatcher batcher, Executor executor, OriginPolicy origins, ClientAddress clientAddress,
            RequestOrigin requestOrigin, Sites sites, ResultsSettings settings, String instance, Clock clock, CardCache cards) {
        this.store = store;
        this.batcher = batcher;
        this.database = new DatabaseWork(executor);
        this.origins = origins;
        this.clientAddress = clientAddress;
        this.requestOrigin = requestOrigin;
        this.sites = sites;
        this.settings = settings;
        this.instance = instance;
        this.clock = clock;
        this.cards = cards;
        this.limiter = new RateLimiter(settings.savesPerMinute() / 60.0, settings.savesPerMinute(), RateLimiter.DEFAULT_MAX_KEYS);
    }

    void save(Context ctx) {
        String origin = ctx.header("Origin");
        if (!origins.allows(origin, RequestHost.of(ctx))) {
            refuse(ctx, new InvalidSave(403, "origin_not_allowed", "origin " + origin + " may not save results here"));
            return;
        }
        ClientId client = clientAddress.of(ctx);
        RateLimiter.Verdict verdict = limiter.tryAcquire(client.limitKey());
        if (verdict != RateLimiter.Verdict.ACCEPTED) {
            ctx.header("Retry-After", Long.toString(limiter.retryAfterSeconds()));
            refuse(ctx, verdict == RateLimiter.Verdict.TABLE_FULL
                    ? new InvalidSave(503, "too_many_clients", "too many clients saving at once; try again later")
                    : new InvalidSave(429, "rate_limited", "at most " + settings.savesPerMinute() + " saves per minute from one address"));
            return;
        }
        SaveRequest request;
        try {
            request = SaveRequest.parse(readBody(ctx));
        } catch (InvalidSave e) {
            refuse(ctx, e);
            return;
        }
        boolean browser = request.source().equals("browser");
        Site site = browser ? sites.attribute(origin, RequestHost.of(ctx)) : Site.NONE;
        String token = DeleteToken.generate();
        StoredResult result = new StoredResult(ResultId.generate(), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                instance, site.label(), browser ? BrowserFamily.of(ctx.header("User-Agent")) : "probe",
                request.source(), request.settings(), request.probes(), request.reference(),
                settings.truncatedAddress() ? TruncatedAddress.of(client.address()) : null, DeleteToken.hash(token));
        String base = requestOrigin.base(ctx);
        DatabaseWork.answer(ctx, batcher.save(result), ignored -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", result.id());
            body.put("url", base + "/r/" + result.id());
            body.put("deleteToken", token);
            ctx.header("Cache-Control", "no-store");
            ctx.status(201).json(body);
        });
    }

    void get(Context ctx) {
        String id = ctx.pathParam("id");
        if (!ResultId.isWellFormed(id)) {
            Replies.notFound(ctx);
            return;
        }
        String base = requestOrigin.base(ctx);
        database.run(ctx, () -> store.find(id), found -> {
            if (found.isEmpty()) {
                Replies.notFound(ctx);
            } else {
                ctx.header("Cache-Control", "no-cache");
                ctx.json(ResultJson.document(found.get(), base + "/r/" + id));
            }
        });
    }

    void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!ResultId.isWellFormed(id)) {
            Replies.notFound(ctx);
            return;
        }
        String token = ctx.header("X-Delete-Token");
        database.run(ctx, () -> store.delete(id, token), outcome -> {
            switch (outcome) {
                case DELETED -> {
                    cards.forget(id);
                    ctx.status(204);
                }
                case WRONG_TOKEN -> Replies.error(ctx, 403, "forbidden", "X-Delete-Token is missing or not this result's");
                default -> Replies.notFound(ctx);
            }
        });
    }

    /** /r/{id} (the share page) and /r/{id}.png (its card): one route, since Javalin's segment is the whole name. */
    void share(Context ctx) {
        String name = ctx.pathParam("id");
        boolean card = name.endsWith(".png");
        String id = card ? name.substring(0, name.length() - 4) : name;
        if (!ResultId.isWellFormed(id)) {
            Replies.notFound(ctx);
            return;
        }
        String base = requestOrigin.base(ctx);
        // The result is looked up every time (a deleted one answers 404); its card is drawn once, then kept.
        database.run(ctx, () -> store.find(id).map(r -> card ? (Object) cards.card(r) : SharePage.html(r, base)), found -> {
            if (found.isEmpty()) {
                Replies.notFound(ctx);
            } else if (card) {
                ctx.header("Cache-Control", "public, max-age=300");
                ctx.contentType("image/png").result((byte[]) found.get());
            } else {
                ctx.header("Cache-Control", "no-cache");
                ctx.contentType("text/html; charset=utf-8").result((String) found.get());
            }
        });
    }

    private static void refuse(Context ctx, InvalidSave e) {
        Replies.error(ctx, e.status(), e.error(), e.getMessage());
    }

    /** The body {@link dev.pingscope.http.BodiesFirst} read, whole, before this handler ran. */
    private byte[] readBody(Context ctx) throws InvalidSave {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json") && !type.startsWith("text/plain")) {
            throw new InvalidSave(415, "unsupported_media_type", "send the result as application/json, not '" + ctx.contentType() + "'");
        }
        RequestBody body = RequestBody.of(ctx.req()).orElseThrow(() -> new InvalidSave(400, "malformed", "the body could not be read"));
        if (body.tooLarge()) {
            throw tooLarge(settings.maxBodyBytes());
        }
        return body.bytes();
    }

    private static InvalidSave tooLarge(int max) {
        return new InvalidSave(413, "body_too_large", "the body is larger than " + max + " bytes (--results-max-body)");
    }
}
