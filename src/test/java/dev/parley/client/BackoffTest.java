package dev.parley.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The reconnect schedule as a function of elapsed time and randomness, both given by the test. */
class BackoffTest {

    /** A random source at the middle of its range: no jitter. */
    private static final DoubleSupplier MIDDLE = () -> 0.5;

    private static List<Long> schedule(Backoff b) {
        Duration elapsed = Duration.ZERO;
        List<Long> waits = new ArrayList<>();
        Duration w;
        while ((w = b.next(elapsed)) != null) {
            waits.add(w.toMillis());
            elapsed = elapsed.plus(w);
        }
        return waits;
    }

    @Test
    void waitsDoubleFromHalfASecondUpToTenSeconds() {
        assertThat(schedule(new Backoff(ReconnectPolicy.defaults(), MIDDLE)))
                .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 10000L, 10000L, 10000L, 10000L, 4500L);
    }

    @Test
    void eachWaitIsVariedByUpToTheJitterEitherWay() {
        ReconnectPolicy policy = ReconnectPolicy.defaults(); // ±20 %
        assertThat(schedule(new Backoff(policy, () -> 0.0)).subList(0, 6))
                .containsExactly(400L, 800L, 1600L, 3200L, 6400L, 8000L);
        assertThat(schedule(new Backoff(policy, () -> 1.0)).subList(0, 6)) // the (exclusive) top of the range
                .containsExactly(600L, 1200L, 2400L, 4800L, 9600L, 12000L);
        double[] values = {0.25, 0.75};
        int[] i = {0};
        Backoff alternating = new Backoff(policy, () -> values[i[0]++ % 2]);
        assertThat(alternating.next(Duration.ZERO)).isEqualTo(Duration.ofMillis(450));
        assertThat(alternating.next(Duration.ZERO)).isEqualTo(Duration.ofMillis(1100));
    }

    @Test
    void timeSpentOnAttemptsCountsTowardsGivingUp() {
        Backoff b = new Backoff(ReconnectPolicy.giveUpAfter(Duration.ofSeconds(10)), MIDDLE);
        assertThat(b.next(Duration.ofSeconds(9))).isEqualTo(Duration.ofMillis(500));
        assertThat(b.next(Duration.ofMillis(9_800))).isEqualTo(Duration.ofMillis(200)); // the last wait ends with the time
        assertThat(b.next(Duration.ofSeconds(10))).isNull();
        assertThat(b.next(Duration.ofSeconds(11))).isNull();
    }

    @Test
    void zeroTimeMeansNoSecondAttempt() {
        assertThat(new Backoff(ReconnectPolicy.off(), MIDDLE).next(Duration.ZERO)).isNull();
    }

    @Test
    void theNameStillOnlineAndPassingTroublesAreRetriedAWrongPasswordIsNot() {
        assertThat(ReconnectPolicy.retriesLogin(dev.parley.protocol.pb.Result.ALREADY_LOGGED_IN)).isTrue();
        assertThat(ReconnectPolicy.retriesLogin(dev.parley.protocol.pb.Result.SERVER_BUSY)).isTrue();
        assertThat(ReconnectPolicy.retriesLogin(dev.parley.protocol.pb.Result.INVALID_CREDENTIALS)).isFalse();
    }

    @Test
    void afterAGoingAwayNoticeTheFirstWaitIsTheServersDelayPlusUpToAsMuchAgain() {
        Duration base = Duration.ofSeconds(1);
        assertThat(new Backoff(ReconnectPolicy.defaults(), () -> 0.0).afterGoingAway(base)).isEqualTo(base);
        assertThat(new Backoff(ReconnectPolicy.defaults(), () -> 0.25).afterGoingAway(base))
                .isEqualTo(Duration.ofMillis(1250));
        assertThat(new Backoff(ReconnectPolicy.defaults(), () -> 0.999).afterGoingAway(base))
                .isEqualTo(Duration.ofMillis(1999));
        assertThat(new Backoff(ReconnectPolicy.defaults(), MIDDLE).afterGoingAway(Duration.ZERO)).isZero();
    }

    @Test
    void theGoingAwayWaitLeavesTheBackoffScheduleAsItWas() {
        Backoff b = new Backoff(ReconnectPolicy.defaults(), MIDDLE);
        assertThat(b.afterGoingAway(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(1500));
        assertThat(b.next(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(500)); // then as after any loss
        assertThat(b.next(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(1000));
    }
}
