package dev.parley.moderation;

import dev.parley.store.ModerationStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class BansTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Bans bans = new Bans(now::get);

    @Test
    void aTimedBanEndsOnTimeAPermanentOneNever() {
        bans.set(1, "p1", 60_000, "spam", "boss");
        bans.set(2, "p2", 0, "cheat", "boss");
        now.addAndGet(59_999);
        assertThat(bans.active(1)).isNotNull();
        now.addAndGet(1);
        assertThat(bans.active(1)).isNull();
        now.addAndGet(Long.MAX_VALUE / 2);
        assertThat(bans.active(2).permanent()).isTrue();
        assertThat(bans.active(2).describe()).isEqualTo("banned permanently: cheat");
    }

    @Test
    void liftedAndLoadedBans() {
        bans.load(List.of(new ModerationStore.Ban(3, null, "", "boss"), new ModerationStore.Ban(4, 1_000_500L, "x", "boss")));
        assertThat(bans.active(3).describe()).isEqualTo("banned permanently");
        assertThat(bans.active(4).describe()).isEqualTo("banned until 1970-01-01T00:16:40.500Z: x");
        bans.lift(3);
        assertThat(bans.active(3)).isNull();
        assertThat(bans.active(5)).isNull();
    }

    @Test
    void theListShowsTheBansInForceWithWhoAndWhyAndDropsExpiredOnes() {
        bans.load(List.of(new ModerationStore.Ban(9, null, "old", "boss", "ivy")));
        bans.set(2, "bob", 60_000, "spam", "mod");
        bans.set(1, "al", 10_000, "", "key:abc");
        assertThat(bans.list()).extracting(Bans.Listed::playerId).containsExactly(1L, 2L, 9L);
        Bans.Ban bob = bans.list().get(1).ban();
        assertThat(bob).isEqualTo(new Bans.Ban(1_060_000, "spam", "bob", "mod"));
        assertThat(bans.list().get(2).ban().player()).isEqualTo("ivy");
        assertThat(bans.list().get(2).ban().permanent()).isTrue();
        now.addAndGet(10_000);
        assertThat(bans.list()).extracting(Bans.Listed::playerId).containsExactly(2L, 9L);
        bans.lift(9);
        now.addAndGet(50_000);
        assertThat(bans.list()).isEmpty();
    }
}
