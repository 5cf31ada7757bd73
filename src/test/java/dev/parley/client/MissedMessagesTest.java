package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Member;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MissedMessagesTest {

    private static ChatNotify m(long seq) {
        return ChatNotify.newBuilder().setRoomId(4).setSeq(seq).setText("m" + seq)
                .setSender(Member.newBuilder().setPlayerId(1).setName("a")).build();
    }

    private static List<Long> seqs(List<ChatNotify> messages) {
        return messages.stream().map(ChatNotify::getSeq).toList();
    }

    @Test
    void theGapComesBeforeRecent() {
        assertThat(seqs(MissedMessages.merge(10, List.of(m(11), m(12), m(13)), List.of(m(14), m(15)))))
                .containsExactly(11L, 12L, 13L, 14L, 15L);
    }

    @Test
    void eachMessageOnceAndNothingAlreadySeen() {
        // a gap read without an upper bound (empty recent) may overlap what recent or a second page holds
        assertThat(seqs(MissedMessages.merge(10, List.of(m(9), m(10), m(11), m(12)), List.of(m(12), m(13)))))
                .containsExactly(11L, 12L, 13L);
        assertThat(MissedMessages.merge(20, List.of(), List.of(m(19), m(20)))).isEmpty();
    }
}
