package dev.parley.history;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * The paging rules of {@code HistoryRequest}, as pure functions over a room's tail snapshot
 * and the rows read from the database below its floor (see docs/protocol.md, "History and resume").
 */
public final class HistoryPager {

    /** Room id, result and has_more of a HistoryResponse, generously. */
    private static final int RESPONSE_OVERHEAD = 32;

    private HistoryPager() {
    }

    /**
     * One read: messages with {@code after < seq < before}; the first {@code limit} of them when
     * {@code forward}, else the last {@code limit}.
     */
    public record Query(long after, long before, int limit, boolean forward) {

        /** Null when the request is contradictory. */
        static Query of(HistoryRequest r, int defaultLimit, int maxLimit) {
            int limit = r.getLimit() == 0 ? defaultLimit : (int) Math.min(Integer.toUnsignedLong(r.getLimit()), maxLimit);
            long after = r.hasAfterSeq() ? unsigned(r.getAfterSeq()) : 0;
            long before = r.hasBeforeSeq() ? unsigned(r.getBeforeSeq()) : Long.MAX_VALUE;
            if (r.hasAfterSeq() && r.hasBeforeSeq() && after >= before) {
                return null;
            }
            return new Query(after, before, limit, r.hasAfterSeq());
        }

        boolean contains(long seq) {
            return seq > after && seq < before;
        }
    }

    /** What a response holds. */
    record Page(List<ChatNotify> messages, boolean hasMore) {
    }

    /** A uint64 seq beyond the range of long is beyond every seq there is. */
    static long unsigned(long seq) {
        return seq < 0 ? Long.MAX_VALUE : seq;
    }

    /** False when the tail alone answers the query. */
    static boolean needsStore(Query q, RoomHistory.Snapshot tail) {
        if (tail.floor() == 0 || q.after() >= tail.floor()) {
            return false; // the window lies within the tail
        }
        if (!q.forward()) {
            return inWindow(q, tail) < q.limit(); // a full page in the tail; has_more is known too
        }
        return true;
    }

    private static int inWindow(Query q, RoomHistory.Snapshot tail) {
        int n = 0;
        for (ChatNotify m : tail.messages()) {
            if (q.contains(m.getSeq())) {
                n++;
            }
        }
        return n;
    }

    /** The highest seq to read from the database: the floor, or below the window's end. */
    static long storeUpTo(Query q, RoomHistory.Snapshot tail) {
        return Math.min(q.before() - 1, tail.floor());
    }

    /**
     * How far the database must have stored the room before it is read for this query: the
     * window's part below the tail's floor. Messages between the room's stored seq and the
     * floor are in neither place yet (the tail let go of them while the log lagged).
     */
    static long storedNeeded(Query q, RoomHistory.Snapshot tail) {
        long upTo = storeUpTo(q, tail);
        return upTo <= q.after() ? 0 : upTo;
    }

    /**
     * The page: {@code stored} (read from the database up to the floor, at most limit + 1 in
     * the query's direction, ascending) merged with the tail, cut to the limit and to one frame.
     */
    static Page page(Query q, RoomHistory.Snapshot tail, List<ChatNotify> stored) {
        List<ChatNotify> all = new ArrayList<>(stored.size() + tail.messages().size());
        all.addAll(stored);
        for (ChatNotify m : tail.messages()) {
            if (q.contains(m.getSeq())) {
                all.add(m);
            }
        }
        int n = all.size();
        // Below a non-zero floor lie older messages; only the tail was read when it held a full page.
        boolean more = n > q.limit() || (!q.forward() && stored.isEmpty() && tail.floor() > 0 && n == q.limit()
                && tail.floor() > q.after());
        Cut<ChatNotify> cut = cut(q, all, more, HistoryResponse.MESSAGES_FIELD_NUMBER, RESPONSE_OVERHEAD);
        return new Page(cut.messages(), cut.hasMore());
    }

    /** A page of any kind of message: its messages, ascending, and whether more lie beyond it. */
    public record Cut<T>(List<T> messages, boolean hasMore) {
    }

    /**
     * The page of {@code all} (ascending, everything the query's window holds that was read):
     * its first {@code limit} when forward, else its last, cut further to what one response
     * frame holds as repeated field {@code field} beside {@code overhead} bytes of other fields.
     * Also the rule of direct-message history.
     */
    public static <T extends MessageLite> Cut<T> cut(Query q, List<T> all, boolean more, int field, int overhead) {
        int n = all.size();
        List<T> page = q.forward() ? all.subList(0, Math.min(q.limit(), n)) : all.subList(Math.max(0, n - q.limit()), n);
        int budget = dev.parley.protocol.Frames.MAX_BODY_BYTES - overhead;
        int fit = 0;
        for (int i = 0; i < page.size(); i++) {
            T m = page.get(q.forward() ? i : page.size() - 1 - i);
            budget -= CodedOutputStream.computeMessageSize(field, m);
            if (budget < 0) {
                break;
            }
            fit++;
        }
        if (fit < page.size()) {
            more = true;
            page = q.forward() ? page.subList(0, fit) : page.subList(page.size() - fit, page.size());
        }
        return new Cut<>(List.copyOf(page), more);
    }
}
