package dev.parley.cluster;

import dev.parley.room.Room;

import java.util.Collection;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The rooms that exist, by id, in id order. Thread-safe. */
public final class LocalRoomDirectory {

    private final ConcurrentSkipListMap<Long, Room> rooms = new ConcurrentSkipListMap<>();
    private final LongSupplier ids;

    /** @param lastUsedId the highest room id ever handed out; new rooms count up from it */
    public LocalRoomDirectory(long lastUsedId) {
        this(new AtomicLong(lastUsedId)::incrementAndGet);
    }

    /** @param ids hands out room ids never used before, or 0 when it has none */
    public LocalRoomDirectory(LongSupplier ids) {
        this.ids = ids;
    }

    /** A room id never used before, or 0 when none is available right now. */
    public long nextId() {
        return ids.getAsLong();
    }

    public void add(Room room) {
        rooms.put(room.id(), room);
    }

    public Room get(long id) {
        return rooms.get(id);
    }

    public void remove(Room room) {
        rooms.remove(room.id(), room);
    }

    public Collection<Room> all() {
        return rooms.values();
    }

    public int size() {
        return rooms.size();
    }
}
