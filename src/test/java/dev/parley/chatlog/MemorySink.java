package dev.parley.chatlog;

import dev.parley.protocol.pb.ChatNotify;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MessageSink} in memory for the writer's unit tests: idempotent on (room_id, seq) like
 * {@code MessageStore}, and on demand failing, hanging (until the mode changes or the calling
 * thread is interrupted) or slow. Thread-safe: the writer's database thread inserts, the test
 * thread switches modes and reads.
 */
final class MemorySink implements MessageSink {

    enum Mode {
        /** Stores. */
        STORE,
        /** Throws, storing nothing: the database is down. */
        FAIL,
        /** Blocks before storing: the database does not answer. */
        HANG
    }

    private record Key(long roomId, long seq) {
    }

    private Mode mode = Mode.STORE;
    private long delayMillis;
    private int calls;
    private int hanging;
    private final Map<Key, ChatNotify> rows = new HashMap<>();
    /** Each message once, in the order it was first stored. */
    private final List<ChatNotify> firstStored = new ArrayList<>();
    private final Map<Long, Long> contiguous = new HashMap<>();

    synchronized void mode(Mode m) {
        mode = m;
        notifyAll();
    }

    /** Every insert takes this long (before it stores or fails). */
    synchronized void delayMillis(long millis) {
        delayMillis = millis;
    }

    @Override
    public void insert(List<ChatNotify> messages) throws Exception {
        Mode m;
        long delay;
        synchronized (this) {
            calls++;
            hanging++;
            try {
                while (mode == Mode.HANG) {
                    wait();
                }
            } finally {
                hanging--;
            }
            m = mode;
            delay = delayMillis;
        }
        if (delay > 0) {
            Thread.sleep(delay);
        }
        if (m == Mode.FAIL) {
            throw new SQLException("the database is down (test)");
        }
        synchronized (this) {
            for (ChatNotify n : messages) {
                if (rows.putIfAbsent(new Key(n.getRoomId(), n.getSeq()), n) == null) {
                    firstStored.add(n);
                }
            }
            for (ChatNotify n : messages) {
                long room = n.getRoomId();
                long upTo = contiguous.getOrDefault(room, 0L);
                while (rows.containsKey(new Key(room, upTo + 1))) {
                    upTo++;
                }
                contiguous.put(room, upTo);
            }
        }
    }

    /** Each message stored, once, in the order it was first stored. */
    synchronized List<ChatNotify> stored() {
        return List.copyOf(firstStored);
    }

    synchronized boolean contains(ChatNotify m) {
        return m.equals(rows.get(new Key(m.getRoomId(), m.getSeq())));
    }

    /** The room's messages 1..n are all stored; this is n. */
    synchronized long contiguousSeq(long roomId) {
        return contiguous.getOrDefault(roomId, 0L);
    }

    synchronized int calls() {
        return calls;
    }

    /** Inserts blocked in {@link Mode#HANG} right now. */
    synchronized int hanging() {
        return hanging;
    }
}
