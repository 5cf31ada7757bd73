package dev.parley.session;

import java.time.Duration;

/**
 * The connection policies every session applies.
 *
 * @param rateLimit       requests a connection may send per second (token bucket, burst twice
 *                        that); 0 = unlimited
 * @param slowReaderGrace how long a connection may stay above the write high-water mark before
 *                        it counts as not reading and is closed
 */
public record SessionPolicies(int rateLimit, Duration slowReaderGrace) {
    public SessionPolicies {
        if (rateLimit < 0) {
            throw new IllegalArgumentException("rate-limit must be 0 (off) or positive");
        }
        if (slowReaderGrace == null || slowReaderGrace.isNegative() || slowReaderGrace.isZero()) {
            throw new IllegalArgumentException("slow-reader-grace must be positive");
        }
    }
}
