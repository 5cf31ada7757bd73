package dev.parley.loadgen;

/**
 * Who is in which room: client {@code i} joins room {@code i % rooms} at position
 * {@code i / rooms}, so rooms differ in size by at most one and client {@code r} (position 0)
 * creates room {@code r}. Being arithmetic, the layout needs no lookup on the receive path.
 */
public record RoomLayout(int clients, int rooms) {

    public RoomLayout {
        if (rooms < 1 || clients < rooms) {
            throw new IllegalArgumentException("need at least one client per room (clients " + clients
                    + ", rooms " + rooms + ")");
        }
    }

    public int room(int client) {
        return client % rooms;
    }

    public int position(int client) {
        return client / rooms;
    }

    public int size(int room) {
        return clients / rooms + (room < clients % rooms ? 1 : 0);
    }

    public boolean isCreator(int client) {
        return client < rooms;
    }

    /** Members of one room are spread over the event loops, so a broadcast's receive work is too. */
    public int loop(int client, int loops) {
        return (client / rooms + client) % loops;
    }

    /** Deliveries per message, averaged over senders. */
    public double fanOut() {
        double sumSquares = 0;
        for (int r = 0; r < rooms; r++) {
            sumSquares += (double) size(r) * size(r);
        }
        return sumSquares / clients;
    }
}
