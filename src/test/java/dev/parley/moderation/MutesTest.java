package dev.parley.moderation;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class MutesTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Mutes mutes = new Mutes(now::get);

    @Test
    void aMuteLastsItsDurationToTheMillisecond() {
        mutes.set(7, 3, 60_000, "spam");
        assertThat(mutes.active(7, 3)).isNotNull();
        assertThat(mutes.remainingMs(mutes.active(7, 3))).isEqualTo(60_000);
        now.addAndGet(59_999);
        assertThat(mutes.remainingMs(mutes.active(7, 3))).isEqualTo(1);
        now.addAndGet(1);
        assertThat(mutes.active(7, 3)).isNull();
    }

    @Test
    void aRoomMuteHoldsInThatRoomOnlyAndRoomZeroEverywhere() {
        mutes.set(7, 3, 10_000, "");
        assertThat(mutes.active(7, 4)).isNull();
        assertThat(mutes.active(8, 3)).isNull();
        mutes.set(8, 0, 10_000, "");
        assertThat(mutes.active(8, 3)).isNotNull();
        assertThat(mutes.active(8, 0)).isNotNull();
    }

    @Test
    void theLongerOfARoomMuteAndAnEverywhereMuteCounts() {
        mutes.set(7, 3, 10_000, "room");
        mutes.set(7, 0, 20_000, "everywhere");
        assertThat(mutes.active(7, 3).reason()).isEqualTo("everywhere");
        now.addAndGet(20_000);
        assertThat(mutes.active(7, 3)).isNull();
    }

    @Test
    void durationZeroLiftsAMuteAndANewMuteReplacesTheOld() {
        mutes.set(7, 3, 10_000, "first");
        mutes.set(7, 3, 5_000, "second");
        assertThat(mutes.active(7, 3).reason()).isEqualTo("second");
        assertThat(mutes.remainingMs(mutes.active(7, 3))).isEqualTo(5_000);
        mutes.set(7, 3, 0, "");
        assertThat(mutes.active(7, 3)).isNull();
    }
}
