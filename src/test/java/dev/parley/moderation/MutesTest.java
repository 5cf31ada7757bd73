package dev.parley.moderation;

import dev.parley.store.ModerationStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class MutesTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Mutes mutes = new Mutes(now::get);

    @Test
    void aMuteLastsItsDurationToTheMillisecond() {
        mutes.set(7, "p7", 3, 60_000, "spam", "mod");
        assertThat(mutes.active(7, 3)).isNotNull();
        assertThat(mutes.remainingMs(mutes.active(7, 3))).isEqualTo(60_000);
        now.addAndGet(59_999);
        assertThat(mutes.remainingMs(mutes.active(7, 3))).isEqualTo(1);
        now.addAndGet(1);
        assertThat(mutes.active(7, 3)).isNull();
    }

    @Test
    void aRoomMuteHoldsInThatRoomOnlyAndRoomZeroEverywhere() {
        mutes.set(7, "p7", 3, 10_000, "", "mod");
        assertThat(mutes.active(7, 4)).isNull();
        assertThat(mutes.active(8, 3)).isNull();
        mutes.set(8, "p8", 0, 10_000, "", "mod");
        assertThat(mutes.active(8, 3)).isNotNull();
        assertThat(mutes.active(8, 0)).isNotNull();
    }

    @Test
    void theLongerOfARoomMuteAndAnEverywhereMuteCounts() {
        mutes.set(7, "p7", 3, 10_000, "room", "mod");
        mutes.set(7, "p7", 0, 20_000, "everywhere", "mod");
        assertThat(mutes.active(7, 3).reason()).isEqualTo("everywhere");
        now.addAndGet(20_000);
        assertThat(mutes.active(7, 3)).isNull();
    }

    @Test
    void durationZeroLiftsAMuteAndANewMuteReplacesTheOld() {
        mutes.set(7, "p7", 3, 10_000, "first", "mod");
        mutes.set(7, "p7", 3, 5_000, "second", "mod");
        assertThat(mutes.active(7, 3).reason()).isEqualTo("second");
        assertThat(mutes.remainingMs(mutes.active(7, 3))).isEqualTo(5_000);
        mutes.set(7, "p7", 3, 0, "", "mod");
        assertThat(mutes.active(7, 3)).isNull();
    }

    @Test
    void theListShowsTheMutesInForcePerRoomWithWhoAndWhyAndDropsExpiredOnes() {
        mutes.load(List.of(new ModerationStore.Mute(9, 0, 1_030_000, "old", "boss", "ivy")));
        mutes.set(7, "bob", 3, 10_000, "here", "mod");
        mutes.set(7, "bob", 0, 20_000, "everywhere", "key:abc");
        assertThat(mutes.list()).containsExactly(
                new Mutes.Listed(7, new Mutes.Mute(0, 1_020_000, "everywhere", "bob", "key:abc")),
                new Mutes.Listed(7, new Mutes.Mute(3, 1_010_000, "here", "bob", "mod")),
                new Mutes.Listed(9, new Mutes.Mute(0, 1_030_000, "old", "ivy", "boss")));
        now.addAndGet(10_000);
        assertThat(mutes.list()).extracting(l -> l.mute().reason()).containsExactly("everywhere", "old");
        mutes.set(7, "bob", 0, 0, "", "mod");
        assertThat(mutes.list()).extracting(Mutes.Listed::playerId).containsExactly(9L);
        now.addAndGet(20_000);
        assertThat(mutes.list()).isEmpty();
    }
}
