package dev.parley.cluster.chaos;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one chaos-suite client saw, as plain data for {@link ChaosChecker}: every chat message it
 * received (in arrival order, with where it came from and on which of its connections), every
 * resume it made, where its membership of each room began and which rooms it was still live in
 * when the run ended. Built by {@link ChaosPlayer}, or by hand in {@link ChaosCheckerTest}.
 *
 * @param name       the player's name; its own messages (sender == name, client_msg_id != 0) are
 *                   its acknowledgements
 * @param receipts   every chat message received, in arrival order
 * @param resumes    every rejoin with {@code last_seen_seq}: the bounds its history pages had to keep to
 * @param joinedAt   room id to the seq after which the client was a member (the highest seq of its first
 *                   join's {@code recent}, 0 when that was empty): every later message is owed to it
 * @param liveAtEnd  the rooms the client was still in, connected, when the run settled: it is owed every
 *                   message of those rooms up to the last one in history
 */
public record ClientRecord(String name, List<Receipt> receipts, List<Resume> resumes, Map<Long, Long> joinedAt,
                           Set<Long> liveAtEnd) {

    public ClientRecord {
        receipts = List.copyOf(receipts);
        resumes = List.copyOf(resumes);
        joinedAt = Map.copyOf(joinedAt);
        liveAtEnd = Set.copyOf(liveAtEnd);
    }

    /** A chat message as the server numbered it: what must be the same wherever (room, seq) is seen. */
    public record Msg(long room, long seq, int kind, String sender, long cmid, String text) {
        /** The message without its place: two receipts of (room, seq) must agree on this. */
        String identity() {
            return "kind " + kind + " from " + sender + " cmid " + cmid + " '" + text + "'";
        }
    }

    /** How a message reached the client. */
    public enum Source {
        /** A rejoin's HistoryRequest pages (has_gap), shown before that join's recent. */
        HISTORY,
        /** A JoinRoomResponse's recent. */
        RECENT,
        /** A live ChatNotify. */
        LIVE
    }

    /** One received message: {@code connection} counts the client's connections from 1. */
    public record Receipt(Msg msg, Source source, int connection) {
    }

    /**
     * A rejoin of {@code room} on {@code connection} with {@code last_seen_seq = afterSeq}; its history
     * pages must lie strictly between {@code afterSeq} and {@code beforeSeq} (the join's first recent
     * seq, {@link Long#MAX_VALUE} when recent was empty).
     */
    public record Resume(long room, int connection, long afterSeq, long beforeSeq) {
    }
}
