package dev.parley.history;

import com.google.protobuf.CodedOutputStream;
import dev.parley.chatlog.StoredSeq;
import dev.parley.protocol.ChatEvents;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A room's in-memory tail: its latest delivered messages, which answer joins and resumes
 * without the database and cover the messages the chat log has not stored yet.
 *
 * <p>Invariant: every message of the room with seq above {@link #floor} is in the tail. The
 * tail keeps at least the last {@code keep} messages and every message not yet stored (so a
 * read merging the database below the floor with the tail above it misses nothing), except
 * that it never grows beyond {@code cap}: when the database falls that far behind, the part
 * between {@link StoredSeq} and the floor is nowhere readable until the log catches up, and
 * history reads that need it are answered "busy".
 *
 * <p>Confined to the room's job queue, like the room.
 */
public final class RoomHistory {

    private final ArrayDeque<ChatNotify> tail = new ArrayDeque<>();
    private final StoredSeq stored;
    private final int keep;
    private final int cap;
    private long floor;

    /**
     * @param preload the room's latest stored messages, ascending; {@code floor} is the seq
     *                below which messages may exist that {@code preload} does not hold
     */
    public RoomHistory(StoredSeq stored, int keep, int cap, List<ChatNotify> preload, long floor) {
        this.stored = stored;
        this.keep = keep;
        this.cap = Math.max(cap, keep);
        this.floor = floor;
        tail.addAll(preload);
    }

    /** A tail for a room without a chat log. */
    public static RoomHistory unlogged(int keep) {
        return new RoomHistory(StoredSeq.unlogged(), keep, keep, List.of(), 0);
    }

    public StoredSeq stored() {
        return stored;
    }

    /**
     * Job queue only. A message was delivered to the room's members. An EDIT or DELETE event
     * also rewrites its target in the tail into its final state ({@link ChatEvents#finalState}),
     * as the chat log does in the database, so joins and history read messages as they are now.
     */
    public void delivered(ChatNotify message) {
        if (ChatEvents.isEvent(message)) {
            rewrite(message);
        }
        tail.addLast(message);
        long storedSeq = stored.get();
        while (tail.size() > keep && (tail.size() > cap || tail.peekFirst().getSeq() <= storedSeq)) {
            floor = tail.removeFirst().getSeq();
        }
    }

    /** Job queue only. Message {@code seq} as it is now, or null when the tail does not hold it. */
    public ChatNotify find(long seq) {
        if (seq <= floor) {
            return null;
        }
        for (Iterator<ChatNotify> it = tail.descendingIterator(); it.hasNext(); ) {
            ChatNotify m = it.next();
            if (m.getSeq() == seq) {
                return m;
            }
            if (m.getSeq() < seq) {
                return null;
            }
        }
        return null;
    }

    /** Replaces the event's target in the tail (edits are rare: a linear rebuild is fine). */
    private void rewrite(ChatNotify event) {
        if (find(event.getTargetSeq()) == null) {
            return;
        }
        ChatNotify[] all = tail.toArray(new ChatNotify[0]);
        tail.clear();
        for (ChatNotify m : all) {
            tail.addLast(m.getSeq() == event.getTargetSeq() ? ChatEvents.finalState(m, event) : m);
        }
    }

    /**
     * Job queue only. Adds {@code recent} (and {@code has_gap} for a resume) to a join response,
     * within what is left of the frame: the last {@code keep} messages, or with
     * {@code last_seen_seq} those after it, at most {@code keep}, the newest if not all fit.
     */
    public void addRecent(JoinRoomResponse.Builder response, JoinRoomRequest request) {
        boolean resume = request.hasLastSeenSeq();
        long after = resume ? HistoryPager.unsigned(request.getLastSeenSeq()) : 0;
        int budget = Frames.MAX_BODY_BYTES - response.build().getSerializedSize() - 2; // 2: has_gap
        ArrayDeque<ChatNotify> picked = new ArrayDeque<>();
        boolean missing = false;
        boolean reachedSeen = false;
        for (Iterator<ChatNotify> it = tail.descendingIterator(); it.hasNext(); ) {
            ChatNotify m = it.next();
            if (m.getSeq() <= after) {
                reachedSeen = true;
                break;
            }
            int size = CodedOutputStream.computeMessageSize(JoinRoomResponse.RECENT_FIELD_NUMBER, m);
            if (picked.size() == keep || size > budget) {
                missing = true;
                break;
            }
            budget -= size;
            picked.addFirst(m);
        }
        if (!missing && !reachedSeen && floor > after) {
            missing = true; // messages between last_seen_seq and the tail
        }
        response.addAllRecent(picked);
        if (resume && missing) {
            response.setHasGap(true);
        }
    }

    /** Job queue only. A copy of the tail for a history read that finishes elsewhere. */
    public Snapshot snapshot() {
        return new Snapshot(new ArrayList<>(tail), floor);
    }

    /** The tail at one moment: its messages (ascending), and the floor below them. */
    public record Snapshot(List<ChatNotify> messages, long floor) {
    }
}
