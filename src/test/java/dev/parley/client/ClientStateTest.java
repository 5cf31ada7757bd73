package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientStateTest {

    private static final RoomInfo RAID = RoomInfo.newBuilder().setRoomId(2).setName("Raid Night").build();

    private static ChatNotify chat(long roomId, long seq) {
        return ChatNotify.newBuilder().setRoomId(roomId).setSeq(seq).setText("x").build();
    }

    @Test
    void theHighestSeqShownIsKeptPerRoom() {
        ClientState s = new ClientState();
        assertThat(s.lastSeen(2)).isNull();
        s.apply(JoinRoomResponse.newBuilder().setResult(Result.OK).setRoom(RAID)
                .addRecent(chat(2, 7)).addRecent(chat(2, 8)).build());
        assertThat(s.lastSeen(2)).isEqualTo(8);
        s.apply(chat(2, 9));
        s.seen(chat(2, 4)); // an older message from /history does not move it back
        assertThat(s.lastSeen(2)).isEqualTo(9);
        s.apply(LeaveRoomResponse.newBuilder().setResult(Result.OK).setRoomId(2).build());
        assertThat(s.room()).isNull();
        assertThat(s.lastSeen(2)).as("kept after leaving").isEqualTo(9);
    }

    @Test
    void aRoomEnteredWithoutMessagesStartsAtZero() {
        ClientState s = new ClientState();
        s.apply(CreateRoomResponse.newBuilder().setResult(Result.OK)
                .setRoom(RoomInfo.newBuilder().setRoomId(5).setName("new")).build());
        assertThat(s.lastSeen(5)).isZero();
        s.apply(JoinRoomResponse.newBuilder().setResult(Result.OK).setRoom(RAID).build());
        assertThat(s.lastSeen(2)).isZero();
        assertThat(s.room()).isEqualTo(RAID);
    }

    @Test
    void refusalsChangeNothing() {
        ClientState s = new ClientState();
        s.apply(JoinRoomResponse.newBuilder().setResult(Result.ROOM_FULL).setRoom(RAID).build());
        assertThat(s.room()).isNull();
        assertThat(s.lastSeen(2)).isNull();
    }
}
