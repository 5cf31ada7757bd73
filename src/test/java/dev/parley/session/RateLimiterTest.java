package dev.parley.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheBurstThenTheRate() {
        RateLimiter r = new RateLimiter(10, 20);
        long t = 5 * SECOND;
        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            if (r.tryAcquire(t)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(20);
        assertThat(r.tryAcquire(t + SECOND / 10)).isTrue();   // one token back after 100 ms
        assertThat(r.tryAcquire(t + SECOND / 10)).isFalse();
    }

    @Test
    void tokensDoNotAccumulateBeyondTheBurst() {
        RateLimiter r = new RateLimiter(10, 20);
        r.tryAcquire(0);
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (r.tryAcquire(3600 * SECOND)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(20);
    }
}
