package dev.parley.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void waitsDoubleFromHalfASecondUpToTenSeconds() {
        Backoff b = new Backoff(Duration.ofMinutes(1));
        Duration elapsed = Duration.ZERO;
        StringBuilder waits = new StringBuilder();
        Duration w;
        while ((w = b.next(elapsed)) != null) {
            waits.append(w.toMillis()).append(' ');
            elapsed = elapsed.plus(w);
        }
        assertThat(waits.toString()).isEqualTo("500 1000 2000 4000 8000 10000 10000 10000 10000 4500 ");
        assertThat(elapsed).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void timeSpentOnAttemptsCountsTowardsGivingUp() {
        Backoff b = new Backoff(Duration.ofSeconds(10));
        assertThat(b.next(Duration.ofSeconds(9))).isEqualTo(Duration.ofMillis(500));
        assertThat(b.next(Duration.ofMillis(9_800))).isEqualTo(Duration.ofMillis(200)); // the last wait ends with the time
        assertThat(b.next(Duration.ofSeconds(10))).isNull();
        assertThat(b.next(Duration.ofSeconds(11))).isNull();
    }

    @Test
    void zeroTimeMeansNoSecondAttempt() {
        assertThat(new Backoff(Duration.ZERO).next(Duration.ZERO)).isNull();
    }
}
