package dev.parley.room;

/**
 * The room a member is in, or entering, as its own event loop sees it. {@link RoomService}
 * sets it when a create or join is dispatched, before the room has answered, so that a second
 * join is refused at once and later requests of the same member follow it into the same room
 * queue, in order. Confined to the member's event loop.
 */
public final class Membership {

    private Room room;

    /** The room this member is in or entering, or null. */
    public Room current() {
        return room;
    }

    void enter(Room room) {
        this.room = room;
    }

    /** Forgets {@code room} if it is still the current one (a refused join, a leave, a kick). */
    void left(Room room) {
        if (this.room == room) {
            this.room = null;
        }
    }
}
