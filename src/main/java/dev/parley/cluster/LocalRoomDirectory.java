package dev.parley.cluster;

import dev.parley.protocol.pb.RoomInfo;
import dev.parley.room.Room;
import dev.parley.room.RoomDirectory;

import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The room directory of a single node: the rooms of this JVM, by id, in id order. Thread-safe:
 * any event loop creates, finds and lists rooms; a room's own job queue removes it.
 */
public final class LocalRoomDirectory implements RoomDirectory {

    private final ConcurrentSkipListMap<Long, Room> rooms = new ConcurrentSkipListMap<>();
    private final LongSupplier ids;

    /** @param lastUsedId the highest room id ever handed out; new rooms count up from it (tests, tools) */
    public LocalRoomDirectory(long lastUsedId) {
        this(new AtomicLong(lastUsedId)::incrementAndGet);
    }

    /** @param ids hands out room ids never used before, or 0 when it has none (the database's allocator) */
    public LocalRoomDirectory(LongSupplier ids) {
        this.ids = ids;
    }

    @Override
    public long newRoomId() {
        return ids.getAsLong();
    }

    @Override
    public void add(Room room) {
        rooms.put(room.id(), room);
    }

    @Override
    public Room find(long roomId) {
        return rooms.get(roomId);
    }

    @Override
    public void remove(Room room) {
        rooms.remove(room.id(), room);
    }

    @Override
    public Iterable<RoomInfo> listing() {
        return () -> {
            Iterator<Room> it = Collections.unmodifiableCollection(rooms.values()).iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public RoomInfo next() {
                    return it.next().info();
                }
            };
        };
    }

    @Override
    public int size() {
        return rooms.size();
    }
}
