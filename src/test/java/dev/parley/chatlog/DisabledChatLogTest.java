package dev.parley.chatlog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DisabledChatLogTest {

    @Test
    void storesNothingAndNeverMakesARoomWait() {
        ChatLog log = ChatLog.off();
        assertThat(log.enabled()).isFalse();
        assertThat(log.sync()).isFalse();
        assertThat(log.continueSeq(41)).isEqualTo(41);
        StoredSeq room = log.openRoom(1, 7);
        assertThat(room.get()).as("everything counts as stored").isEqualTo(Long.MAX_VALUE);
        Runnable mustNotRun = () -> {
            throw new AssertionError("onStored ran without a log");
        };
        assertThat(log.append(room, SpillFileTest.messages(1, 8, 1).get(0), mustNotRun)).isTrue();
        log.closeRoom(1);
        log.close();
        assertThat(log.append(room, SpillFileTest.messages(1, 9, 1).get(0), null)).as("off stays open").isTrue();
    }
}
