package dev.parley.room;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resend memory's rules, with the clock passed in. */
class ResendMemoryTest {

    private static final long WINDOW = 600_000;

    @Test
    void anIdIsFoundWithinTheWindowForItsPlayerOnly() {
        ResendMemory memory = new ResendMemory(WINDOW);
        memory.remember(7, 42, 5, 1_000, "hi".hashCode());
        assertThat(memory.find(7, 42, 1_000 + WINDOW - 1))
                .isEqualTo(new ResendMemory.Original(5, 1_000, "hi".hashCode()));
        assertThat(memory.find(8, 42, 2_000)).as("another player's id").isNull();
        assertThat(memory.find(7, 43, 2_000)).isNull();
        assertThat(memory.find(7, 42, 1_000 + WINDOW)).as("expired at the window's end").isNull();
    }

    @Test
    void theNewestUseOfAnIdWins() {
        ResendMemory memory = new ResendMemory(WINDOW);
        memory.remember(7, 42, 5, 1_000, 1);
        memory.remember(7, 42, 9, 2_000, 2);
        assertThat(memory.find(7, 42, 3_000).seq()).isEqualTo(9);
    }

    @Test
    void aPlayerKeepsAtMostTheBoundAndForgetsTheOldestFirst() {
        ResendMemory memory = new ResendMemory(WINDOW);
        int n = ResendMemory.MAX_IDS_PER_PLAYER + 10;
        for (int i = 1; i <= n; i++) {
            memory.remember(7, i, i, 1_000 + i, 0);
        }
        for (int i = 1; i <= 10; i++) {
            assertThat(memory.find(7, i, 5_000)).as("id %d was evicted", i).isNull();
        }
        for (int i = 11; i <= n; i++) {
            assertThat(memory.find(7, i, 5_000).seq()).isEqualTo(i);
        }
    }

    @Test
    void playersWhoseIdsExpiredAreSweptWhenLaterMessagesArrive() {
        ResendMemory memory = new ResendMemory(WINDOW);
        memory.remember(1, 1, 1, 0, 0);
        memory.remember(2, 1, 2, WINDOW / 2, 0);
        assertThat(memory.players()).isEqualTo(2);
        // the next sweep is due one window after the first: player 1 has expired, player 2 not yet
        memory.remember(3, 1, 3, WINDOW, 0);
        assertThat(memory.players()).isEqualTo(2);
        assertThat(memory.find(2, 1, WINDOW).seq()).isEqualTo(2);
        memory.remember(3, 2, 4, 2 * WINDOW, 0);
        assertThat(memory.players()).as("only player 3, whose last id is fresh").isEqualTo(1);
    }

    @Test
    void theWindowMustBePositive() {
        assertThatThrownBy(() -> new ResendMemory(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
