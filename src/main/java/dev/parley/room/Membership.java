package dev.parley.room;

import java.util.Arrays;

/**
 * The rooms a member is in, or entering, as its own event loop sees it, keyed by room id.
 * {@link RoomService} records a room when a create or join is dispatched, before the room has
 * answered, so that a second join of the same room is refused at once and later requests of
 * the same member follow it into that room's queue, in order. How many rooms a member may hold
 * is {@link RoomService}'s rule ({@code --max-rooms-per-player}); this only keeps them.
 *
 * <p>Confined to the member's event loop. A handful of rooms per member: a small array scanned
 * in order of entry is cheaper than a map and allocates nothing on look-up.
 */
public final class Membership {

    private static final Room[] NONE = new Room[0];

    private Room[] rooms = NONE;

    /** The room with id {@code roomId} this member is in or entering, or null. */
    public Room find(long roomId) {
        for (Room r : rooms) {
            if (r.id() == roomId) {
                return r;
            }
        }
        return null;
    }

    /** The only room, when the member is in (or entering) exactly one; else null. */
    public Room only() {
        Room[] rs = rooms;
        return rs.length == 1 ? rs[0] : null;
    }

    /** How many rooms the member is in or entering. */
    public int size() {
        return rooms.length;
    }

    /** The rooms, oldest entry first; a copy. */
    public Room[] all() {
        return rooms.clone();
    }

    void enter(Room room) {
        Room[] next = Arrays.copyOf(rooms, rooms.length + 1);
        next[rooms.length] = room;
        rooms = next;
    }

    /** Forgets {@code room} if it is still held (a refused join, a leave, a kick). */
    void left(Room room) {
        for (int i = 0; i < rooms.length; i++) {
            if (rooms[i] == room) {
                Room[] next = new Room[rooms.length - 1];
                System.arraycopy(rooms, 0, next, 0, i);
                System.arraycopy(rooms, i + 1, next, i, rooms.length - i - 1);
                rooms = next.length == 0 ? NONE : next;
                return;
            }
        }
    }

    /** Forgets every room and returns them (the connection closed). */
    Room[] leaveAll() {
        Room[] all = rooms;
        rooms = NONE;
        return all;
    }
}
