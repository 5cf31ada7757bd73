package dev.parley.chat;

import com.google.protobuf.CodedOutputStream;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * The paging rules of {@code HistoryRequest}, as pure functions over a room's tail snapshot
 * and the rows read from the database below its floor (see docs/protocol-history.md).
 */
final class HistoryPager {

    /** Room id, result and has_more of a HistoryResponse, generously. */
    private static final int RESPONSE_OVERHEAD = 32;

    private HistoryPager() {
    }

    /**
     * One read: messages with {@code after < seq < before}; the first {@code limit} of them when
     * {@code forward}, else the last {@code limit}.
     */
    record Query(long after, long before, int limit, boolean forward) {

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
            int inWindow = 0;
            for (ChatNotify m : tail.messages()) {
                if (q.contains(m.getSeq())) {
                    inWindow++;
                }
            }
            return inWindow <= q.limit(); // more than a page in the tail: the page and has_more are known
        }
        return true;
    }

    /** The highest seq to read from the database: the floor, or below the window's end. */
    static long storeUpTo(Query q, RoomHistory.Snapshot tail) {
        return Math.min(q.before() - 1, tail.floor());
    }

    /**
     * True when the window reaches messages the database may not hold yet, because they are
     * above what it has stored ({@code storedSeq}) and below the tail's floor.
     */
    static boolean reachesUnstored(Query q, long storedSeq, RoomHistory.Snapshot tail) {
        long lo = Math.max(q.after(), storedSeq) + 1;
        long hi = Math.min(q.before() - 1, tail.floor());
        return lo <= hi;
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
        boolean more = n > q.limit();
        List<ChatNotify> page = q.forward() ? all.subList(0, Math.min(q.limit(), n))
                : all.subList(Math.max(0, n - q.limit()), n);
        int budget = dev.parley.protocol.Frames.MAX_BODY_BYTES - RESPONSE_OVERHEAD;
        int fit = 0;
        for (int i = 0; i < page.size(); i++) {
            ChatNotify m = page.get(q.forward() ? i : page.size() - 1 - i);
            budget -= CodedOutputStream.computeMessageSize(HistoryResponse.MESSAGES_FIELD_NUMBER, m);
            if (budget < 0) {
                break;
            }
            fit++;
        }
        if (fit < page.size()) {
            more = true;
            page = q.forward() ? page.subList(0, fit) : page.subList(page.size() - fit, page.size());
        }
        return new Page(List.copyOf(page), more);
    }
}
