package dev.pingscope.intake;

import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.RateLimiter;
import dev.pingscope.http.RequestHost;
import io.javalin.http.Context;

/**
 * Who may post a batch, decided before its body is read: a page on an allowed origin (or the server's own
 * page), from a client address still under its rate limit. A refusal sets Retry-After where waiting helps.
 */
public final class IntakePolicy {
    private final OriginPolicy origins;
    private final ClientAddress clientAddress;
    private final RateLimiter limiter;
    private final String limitDescription;

    public IntakePolicy(OriginPolicy origins, ClientAddress clientAddress, double batchesPerSecond, int burst) {
        this.origins = origins;
        this.clientAddress = clientAddress;
        this.limiter = new RateLimiter(batchesPerSecond, burst, RateLimiter.DEFAULT_MAX_KEYS);
        this.limitDescription = "at most " + batchesPerSecond + " per second (burst " + burst + ")";
    }

    /** @throws BatchRejected when this request may not post a batch now */
    void check(Context ctx) throws BatchRejected {
        String origin = ctx.header("Origin");
        if (!origins.allows(origin, RequestHost.of(ctx))) {
            throw new BatchRejected(RejectReason.ORIGIN_NOT_ALLOWED, "origin " + origin + " may not report samples here");
        }
        String client = clientAddress.of(ctx).limitKey();
        RateLimiter.Verdict verdict = limiter.tryAcquire(client);
        if (verdict != RateLimiter.Verdict.ACCEPTED) {
            ctx.header("Retry-After", Long.toString(limiter.retryAfterSeconds()));
            throw verdict == RateLimiter.Verdict.TABLE_FULL
                    ? new BatchRejected(RejectReason.TOO_MANY_CLIENTS, "too many clients reporting at once; try again later")
                    : new BatchRejected(RejectReason.RATE_LIMITED, "too many batches from " + client + "; " + limitDescription);
        }
    }
}
