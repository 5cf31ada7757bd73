package dev.parley.room;

import dev.parley.protocol.pb.ChatNotify;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts a cluster room's messages into seq order as they arrive (from the room's channel, or from
 * a fill of what the channel lost), so that a replica accepts each seq once, in order.
 *
 * <p>Invariants: {@link #seen()} is the highest seq accepted, and every seq up to it was accepted
 * or passed over; messages held aside are all above it; at most one fill is outstanding. A gap
 * is filled with what the fill finds, and what it does not find is passed over (no node has those
 * seqs: numbering skipped them). Pure state, no I/O; confined to the room's job queue.
 */
final class ArrivalOrder {

    /** Seqs {@code after < seq < before} are missing and should be fetched. */
    record Gap(long after, long before) {
    }

    /** What a fill gave: the messages to accept now, in order, and how many seqs were passed over. */
    record Filled(List<ChatNotify> accept, long skipped) {
    }

    private final TreeMap<Long, ChatNotify> ahead = new TreeMap<>();
    private long seen;
    private boolean filling;

    ArrivalOrder(long seen) {
        this.seen = seen;
    }

    long seen() {
        return seen;
    }

    /** The replica is loaded up to {@code lastSeq}: what arrived meanwhile above it waits its turn. */
    void startAt(long lastSeq) {
        seen = lastSeq;
        ahead.headMap(lastSeq, true).clear();
    }

    /** A message arrived: the messages that can be accepted now, in order (often just it; possibly none). */
    List<ChatNotify> arrived(ChatNotify message) {
        long seq = message.getSeq();
        if (seq == seen + 1 && ahead.isEmpty()) {
            seen = seq;
            return List.of(message);
        }
        if (seq > seen) {
            ahead.put(seq, message);
        }
        return drain();
    }

    /** Holds {@code message} aside without accepting anything (the replica is still loading). */
    void hold(ChatNotify message) {
        if (message.getSeq() > seen) {
            ahead.put(message.getSeq(), message);
        }
    }

    /** The messages that follow {@link #seen()} without a gap, taken off the held ones. */
    List<ChatNotify> drain() {
        List<ChatNotify> out = new ArrayList<>();
        while (!ahead.isEmpty()) {
            long first = ahead.firstKey();
            if (first <= seen) {
                ahead.pollFirstEntry();
            } else if (first == seen + 1) {
                out.add(ahead.pollFirstEntry().getValue());
                seen = first;
            } else {
                break;
            }
        }
        return out;
    }

    /** The gap to fetch now, marking a fill outstanding; null when nothing is missing or a fill is outstanding. */
    Gap nextGap() {
        if (ahead.isEmpty() || filling) {
            return null;
        }
        filling = true;
        return new Gap(seen, ahead.firstKey());
    }

    /** The cluster numbers up to {@code clusterLast} (after a reconnect): the gap to fetch up to it, or null. */
    Gap catchUpTo(long clusterLast) {
        if (filling || clusterLast <= seen) {
            return null;
        }
        filling = true;
        return new Gap(seen, clusterLast + 1);
    }

    /** The fill of {@code gap} failed: it may be asked again. */
    void fillFailed() {
        filling = false;
    }

    /**
     * The fill of {@code gap} found {@code found} (ascending): those still missing are accepted,
     * the seqs still absent below {@code gap.before()} are passed over, and then what was held
     * aside follows.
     */
    Filled filled(Gap gap, List<ChatNotify> found) {
        filling = false;
        List<ChatNotify> out = new ArrayList<>();
        for (ChatNotify m : found) {
            if (m.getSeq() > seen && m.getSeq() < gap.before()) {
                out.add(m);
                seen = m.getSeq();
            }
        }
        long skipped = 0;
        if (seen < gap.before() - 1) {
            skipped = gap.before() - 1 - seen;
            seen = gap.before() - 1;
        }
        out.addAll(drain());
        return new Filled(out, skipped);
    }

    /** The room is gone. */
    void clear() {
        ahead.clear();
    }
}
