package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What a {@link ParleyClient} knows about itself: who it is logged in as, which room it is in, as
 * the server's responses established it, and the highest message seq of each room it has
 * delivered (where a resume continues). It outlives a connection: a reconnect picks up from
 * here. Written on the client thread, readable from any thread, hence volatile.
 */
public final class ClientState {

    private volatile long playerId;
    private volatile RoomInfo room;
    private final ConcurrentMap<Long, Long> lastSeen = new ConcurrentHashMap<>();

    public long playerId() {
        return playerId;
    }

    /** The room the server last confirmed this client entered, or null. */
    public RoomInfo room() {
        return room;
    }

    /** The name of room {@code roomId} if it is the current room, else null. */
    public String roomName(long roomId) {
        RoomInfo r = room;
        return r != null && r.getRoomId() == roomId ? r.getName() : null;
    }

    /**
     * The highest seq of room {@code roomId} this client has delivered, or null if it has never been
     * in that room. 0 means it was in the room while it had no messages.
     */
    public Long lastSeen(long roomId) {
        return lastSeen.get(roomId);
    }

    /** A chat message of the room was delivered. */
    public void seen(ChatNotify message) {
        lastSeen.merge(message.getRoomId(), message.getSeq(), Math::max);
    }

    /** A resume put the client back into {@code resumed} (its missed messages are recorded by {@link #seen}). */
    public void entered(RoomInfo resumed) {
        room = resumed;
        lastSeen.merge(resumed.getRoomId(), 0L, Math::max);
    }

    /** The client is in no room (a resume could not rejoin it). */
    public void leftRoom() {
        room = null;
    }

    /**
     * Follows a message from the server (a chat message or a successful response); messages that
     * change nothing are ignored.
     */
    public void apply(MessageLite message) {
        if (message instanceof ChatNotify m) {
            seen(m);
        } else if (message instanceof LoginResponse r && r.getResult() == Result.OK) {
            playerId = r.getPlayerId();
        } else if (message instanceof CreateRoomResponse r && r.getResult() == Result.OK) {
            entered(r.getRoom()); // a new room: nothing said in it yet
        } else if (message instanceof JoinRoomResponse r && r.getResult() == Result.OK) {
            entered(r.getRoom());
            r.getRecentList().forEach(this::seen);
        } else if (message instanceof LeaveRoomResponse r && r.getResult() == Result.OK) {
            room = null;
        }
    }
}
