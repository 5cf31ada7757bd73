package dev.parley.direct;

import java.util.Arrays;

/**
 * The ids of the players one player blocks: an immutable sorted array, so a room's delivery
 * can ask {@link #contains} on any thread without a lock, and a list of no one costs one length
 * check. A change makes a new list.
 */
public final class BlockList {

    public static final BlockList EMPTY = new BlockList(new long[0]);

    private final long[] ids;

    private BlockList(long[] sortedIds) {
        this.ids = sortedIds;
    }

    /** The list of {@code ids} (any order, duplicates allowed). */
    public static BlockList of(long... ids) {
        long[] sorted = Arrays.stream(ids).distinct().sorted().toArray();
        return sorted.length == 0 ? EMPTY : new BlockList(sorted);
    }

    public boolean contains(long playerId) {
        return ids.length != 0 && Arrays.binarySearch(ids, playerId) >= 0;
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    public int size() {
        return ids.length;
    }

    public BlockList with(long playerId) {
        if (contains(playerId)) {
            return this;
        }
        long[] more = Arrays.copyOf(ids, ids.length + 1);
        more[ids.length] = playerId;
        Arrays.sort(more);
        return new BlockList(more);
    }

    public BlockList without(long playerId) {
        int at = Arrays.binarySearch(ids, playerId);
        if (at < 0) {
            return this;
        }
        long[] fewer = new long[ids.length - 1];
        System.arraycopy(ids, 0, fewer, 0, at);
        System.arraycopy(ids, at + 1, fewer, at, ids.length - at - 1);
        return fewer.length == 0 ? EMPTY : new BlockList(fewer);
    }
}
