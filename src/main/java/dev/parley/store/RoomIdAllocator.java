package dev.parley.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Hands out room ids that are never reused, without touching the database on the caller's
 * thread: ids come from a block reserved in the database (hi/lo), and the next block is
 * reserved on the blocking executor once half of the current one is used. Ids skipped by a
 * restart or crash are simply never handed out. Thread-safe.
 */
public final class RoomIdAllocator implements LongSupplier {

    private static final Logger log = LoggerFactory.getLogger(RoomIdAllocator.class);

    /** Room creations a block absorbs; a restart wastes at most this many ids of a 2^63 space. */
    public static final int DEFAULT_BLOCK = 1000;

    private final RoomStore store;
    private final Executor blocking;
    private final int blockSize;

    // guarded by this
    private long next;
    private long end;              // exclusive
    private long spareStart;       // the prefetched block, or 0
    private boolean fetching;
    private boolean failureLogged;

    /** Reserves the first block now (blocking; call at start). */
    public RoomIdAllocator(RoomStore store, Executor blocking, int blockSize) throws SQLException {
        if (blockSize < 2) {
            throw new IllegalArgumentException("blockSize must be at least 2");
        }
        this.store = store;
        this.blocking = blocking;
        this.blockSize = blockSize;
        this.next = store.reserveRoomIds(blockSize);
        this.end = next + blockSize;
    }

    /** The next room id, or 0 when none is reserved (the database has been unreachable for a while). */
    @Override
    public synchronized long getAsLong() {
        if (next == end && spareStart != 0) {
            next = spareStart;
            end = spareStart + blockSize;
            spareStart = 0;
        }
        if (end - next <= blockSize / 2 && spareStart == 0 && !fetching) {
            fetching = true;
            try {
                blocking.execute(this::fetchSpare);
            } catch (RejectedExecutionException e) {
                fetching = false; // shutting down, or the pool is saturated: try again on the next call
            }
        }
        return next < end ? next++ : 0;
    }

    /** Blocking executor. */
    private void fetchSpare() {
        long start = 0;
        try {
            start = store.reserveRoomIds(blockSize);
        } catch (SQLException | RuntimeException e) {
            synchronized (this) {
                if (!failureLogged) {
                    failureLogged = true;
                    log.warn("cannot reserve room ids ({}); rooms can still be created until the current block is used", e.toString());
                }
            }
        }
        synchronized (this) {
            fetching = false;
            if (start != 0) {
                spareStart = start;
                failureLogged = false;
            }
        }
    }
}
