package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What a {@link ParleyClient} knows about itself: who it is logged in as, which rooms it is in
 * (in the order it entered them), as the server's responses established it, and the highest
 * message seq of each room it has delivered (where a resume continues). It outlives a
 * connection: a reconnect picks up from here. Written on the client thread, readable from any
 * thread: the room map is replaced, never changed, and published through a volatile field.
 */
public final class ClientState {

    private volatile long playerId;
    /** Room id to room, in entry order; an unmodifiable copy. */
    private volatile Map<Long, RoomInfo> rooms = Map.of();
    private final ConcurrentMap<Long, Long> lastSeen = new ConcurrentHashMap<>();

    public long playerId() {
        return playerId;
    }

    /** The rooms the server last confirmed this client is in, oldest entry first. */
    public List<RoomInfo> rooms() {
        return List.copyOf(rooms.values());
    }

    /** Room {@code roomId} if the client is in it, else null. */
    public RoomInfo room(long roomId) {
        return rooms.get(roomId);
    }

    /**
     * The room entered last of those the client is in, or null: for a one-room client, its
     * room. A client in several rooms names them by id ({@link #rooms()}, {@link #room(long)}).
     */
    public RoomInfo room() {
        RoomInfo last = null;
        for (RoomInfo r : rooms.values()) {
            last = r;
        }
        return last;
    }

    /** The name of room {@code roomId} if the client is in it, else null. */
    public String roomName(long roomId) {
        RoomInfo r = rooms.get(roomId);
        return r == null ? null : r.getName();
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

    /** The client is in {@code room} (entered, or back after a resume; its messages are recorded by {@link #seen}). */
    public void entered(RoomInfo room) {
        Map<Long, RoomInfo> next = new LinkedHashMap<>(rooms);
        next.put(room.getRoomId(), room); // a resume refreshes the info and keeps the entry order
        rooms = Collections.unmodifiableMap(next);
        lastSeen.merge(room.getRoomId(), 0L, Math::max);
    }

    /** The client is no longer in room {@code roomId} (left, or a resume could not rejoin it). */
    public void left(long roomId) {
        if (rooms.containsKey(roomId)) {
            Map<Long, RoomInfo> next = new LinkedHashMap<>(rooms);
            next.remove(roomId);
            rooms = Collections.unmodifiableMap(next);
        }
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
            left(leftRoomId(r));
        }
    }

    /** The room a successful leave left: the response names it; a server before room ids meant the only room. */
    public long leftRoomId(LeaveRoomResponse r) {
        if (r.getRoomId() != 0) {
            return r.getRoomId();
        }
        List<Long> ids = new ArrayList<>(rooms.keySet());
        return ids.size() == 1 ? ids.get(0) : 0;
    }
}
