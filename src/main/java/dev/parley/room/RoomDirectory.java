package dev.parley.room;

import dev.parley.protocol.pb.RoomInfo;

/**
 * The rooms that exist, by id: where a join, a chat or a history read finds its room, and what a
 * room list shows. Room ids are never reused. Thread-safe.
 *
 * <p>This is the seam for running several nodes: the single-node directory
 * ({@code cluster.LocalRoomDirectory}) holds this node's rooms; a cluster directory also lists
 * and resolves rooms that live on other nodes.
 */
public interface RoomDirectory {

    /** A room id never used before, or 0 when none is available right now (the database is down). */
    long newRoomId();

    /**
     * The tie to the other nodes for a new room with id {@code roomId}, made before the room so
     * the room can hold it; null on a single node. The cluster directory loads the room when it
     * is {@link #add added}, once it listens to the other nodes.
     */
    default RoomLink newLink(long roomId) {
        return null;
    }

    /** Makes a room findable and listed. */
    void add(Room room);

    /**
     * The room with this id, or null. In a cluster, a room of another node gets a replica here,
     * which loads while requests wait for it ({@link Room#submitWhenReady}).
     */
    Room find(long roomId);

    /** The room is gone (empty and not permanent); it is no longer found or listed. */
    void remove(Room room);

    /** The rooms in ascending id order, as room lists show them. */
    Iterable<RoomInfo> listing();

    /** How many rooms exist. */
    int size();
}
