package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;

/**
 * What the console client knows about itself: who it is logged in as and which room it is in,
 * as the server's responses established it. Written on the connection's event loop, read from
 * the input thread too, hence volatile.
 */
final class ClientState {

    private volatile long playerId;
    private volatile RoomInfo room;

    long playerId() {
        return playerId;
    }

    /** The room the server last confirmed this client entered, or null. */
    RoomInfo room() {
        return room;
    }

    /** The name of room {@code roomId} if it is the current room, else null. */
    String roomName(long roomId) {
        RoomInfo r = room;
        return r != null && r.getRoomId() == roomId ? r.getName() : null;
    }

    /** Follows a message from the server; messages that change nothing are ignored. */
    void apply(MessageLite message) {
        if (message instanceof LoginResponse r && r.getResult() == Result.OK) {
            playerId = r.getPlayerId();
        } else if (message instanceof CreateRoomResponse r && r.getResult() == Result.OK) {
            room = r.getRoom();
        } else if (message instanceof JoinRoomResponse r && r.getResult() == Result.OK) {
            room = r.getRoom();
        } else if (message instanceof LeaveRoomResponse r && r.getResult() == Result.OK) {
            room = null;
        }
    }
}
