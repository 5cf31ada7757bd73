package dev.parley.session;

import java.util.concurrent.TimeUnit;

/**
 * The request-rate policy of one connection: a token bucket, refusals that tell the client at
 * most once a second (the rest are only counted, so a flood cannot make the server write a
 * reply per request), and disconnection of a connection that keeps flooding for the abuse
 * grace period.
 *
 * <p>An over-rate episode starts with a refusal and lasts while refusals follow each other
 * less than a second apart; a client that bursts now and then starts a new episode each time
 * and is never disconnected. Pure logic over the caller's clock; confined to the connection's
 * event loop.
 */
final class FloodGuard {

    /** What to do with one request. */
    enum Verdict {
        ACCEPT,
        /** Refuse without a reply: the client was told within the last second. */
        REFUSE_QUIETLY,
        /** Refuse with a {@code RATE_LIMITED} reply. */
        REFUSE,
        /** The connection has flooded for the whole grace period: close it. */
        DISCONNECT
    }

    static final long NOTICE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RateLimiter limiter;
    private final int rate;
    private final long graceNanos;
    private boolean inEpisode;
    private long episodeStart;
    private long lastRefusal;
    private boolean told;
    private long lastNotice;

    /** @param rate requests per second (burst twice that); 0 = unlimited */
    FloodGuard(int rate, long graceNanos) {
        this.rate = rate;
        this.limiter = rate > 0 ? new RateLimiter(rate, 2L * rate) : null;
        this.graceNanos = graceNanos;
    }

    Verdict onRequest(long now) {
        if (limiter == null || limiter.tryAcquire(now)) {
            if (inEpisode && now - lastRefusal >= NOTICE_INTERVAL_NANOS) {
                inEpisode = false;
            }
            return Verdict.ACCEPT;
        }
        if (!inEpisode || now - lastRefusal >= NOTICE_INTERVAL_NANOS) {
            inEpisode = true;
            episodeStart = now;
        }
        lastRefusal = now;
        if (now - episodeStart >= graceNanos) {
            return Verdict.DISCONNECT;
        }
        if (!told || now - lastNotice >= NOTICE_INTERVAL_NANOS) {
            told = true;
            lastNotice = now;
            return Verdict.REFUSE;
        }
        return Verdict.REFUSE_QUIETLY;
    }

    /** When the next request will be accepted, at the earliest: one token's worth of time. */
    int retryAfterMillis() {
        return rate <= 0 ? 0 : (int) Math.max(1, 1000 / rate);
    }
}
