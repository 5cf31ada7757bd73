package dev.parley.session;

/**
 * A token bucket owned by one thread (a connection's event loop): {@code rate} tokens per
 * second up to {@code burst}. Not thread-safe by design; no atomics on the request path.
 */
final class RateLimiter {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long rate;
    private final long burst;
    private double tokens;
    private long lastNanos;
    private boolean started;

    RateLimiter(long rate, long burst) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
    }

    boolean tryAcquire(long nowNanos) {
        if (!started) {
            started = true;
            lastNanos = nowNanos;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + (double) elapsed * rate / NANOS_PER_SECOND);
            lastNanos = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
