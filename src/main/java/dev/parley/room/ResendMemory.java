package dev.parley.room;

import io.netty.util.collection.LongObjectHashMap;

import java.util.Iterator;

/**
 * What one room remembers of the {@code client_msg_id}s its players used lately, so that a
 * resend (the same player, the same non-zero id, within the window) is answered with the
 * original message instead of being said twice. Keyed by player id, not connection: a resend
 * after a reconnect is recognised.
 *
 * <p>Bounds: per player at most {@link #MAX_IDS_PER_PLAYER} ids (the oldest is forgotten first),
 * each for at most the window; a player whose ids have all expired is dropped by a sweep that
 * runs at most once per window. An entry is four numbers (id, seq, time, text hash), about
 * 28 bytes, so a player costs at most about 7 KiB per room it chats in. Memory only: a server
 * restart forgets it.
 *
 * <p>Confined to the room's job queue, like the room: looked up and recorded in the same job
 * that numbers a message, so an original and its resend cannot both be numbered.
 */
final class ResendMemory {

    /** Ids remembered per player per room; a client that has more messages unacknowledged than this loses the oldest's protection. */
    static final int MAX_IDS_PER_PLAYER = 256;

    private final long windowMs;
    private final LongObjectHashMap<PlayerIds> players = new LongObjectHashMap<>();
    private long nextSweepMs;

    /** @param windowMs how long an id is remembered; positive */
    ResendMemory(long windowMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("the window must be positive, was " + windowMs);
        }
        this.windowMs = windowMs;
    }

    /** A message said earlier: its seq, when the room accepted it, and its text's hash. */
    record Original(long seq, long serverTimeMs, int textHash) {
    }

    /** The message player {@code playerId} said with {@code clientMsgId} within the window before {@code nowMs}, or null. */
    Original find(long playerId, long clientMsgId, long nowMs) {
        PlayerIds ids = players.get(playerId);
        return ids == null ? null : ids.find(clientMsgId, nowMs - windowMs);
    }

    /** Records a message just accepted, at {@code nowMs}; forgets what has expired by then. */
    void remember(long playerId, long clientMsgId, long seq, long nowMs, int textHash) {
        if (nowMs >= nextSweepMs) {
            sweep(nowMs - windowMs);
            nextSweepMs = nowMs + windowMs;
        }
        PlayerIds ids = players.get(playerId);
        if (ids == null) {
            ids = new PlayerIds();
            players.put(playerId, ids);
        }
        ids.add(clientMsgId, seq, nowMs, textHash);
    }

    /** Players remembered (some perhaps expired but not yet swept); for tests. */
    int players() {
        return players.size();
    }

    private void sweep(long expiredAtOrBefore) {
        for (Iterator<PlayerIds> it = players.values().iterator(); it.hasNext(); ) {
            if (it.next().newestMs() <= expiredAtOrBefore) {
                it.remove();
            }
        }
    }

    /** One player's ids in a ring, oldest first; grows up to {@link #MAX_IDS_PER_PLAYER}. */
    private static final class PlayerIds {
        private long[] ids = new long[4];
        private long[] seqs = new long[4];
        private long[] times = new long[4];
        private int[] hashes = new int[4];
        private int head;
        private int size;

        Original find(long clientMsgId, long expiredAtOrBefore) {
            for (int k = size - 1; k >= 0; k--) { // newest first: a resend is usually recent
                int i = (head + k) % ids.length;
                if (times[i] <= expiredAtOrBefore) {
                    return null; // this one and every older one have expired
                }
                if (ids[i] == clientMsgId) {
                    return new Original(seqs[i], times[i], hashes[i]);
                }
            }
            return null;
        }

        void add(long clientMsgId, long seq, long timeMs, int textHash) {
            if (size == ids.length) {
                if (ids.length < MAX_IDS_PER_PLAYER) {
                    grow();
                } else {
                    head = (head + 1) % ids.length; // forget the oldest
                    size--;
                }
            }
            int i = (head + size) % ids.length;
            ids[i] = clientMsgId;
            seqs[i] = seq;
            times[i] = timeMs;
            hashes[i] = textHash;
            size++;
        }

        long newestMs() {
            return size == 0 ? Long.MIN_VALUE : times[(head + size - 1) % ids.length];
        }

        private void grow() {
            int n = Math.min(ids.length * 2, MAX_IDS_PER_PLAYER);
            long[] ni = new long[n];
            long[] ns = new long[n];
            long[] nt = new long[n];
            int[] nh = new int[n];
            for (int k = 0; k < size; k++) {
                int i = (head + k) % ids.length;
                ni[k] = ids[i];
                ns[k] = seqs[i];
                nt[k] = times[i];
                nh[k] = hashes[i];
            }
            ids = ni;
            seqs = ns;
            times = nt;
            hashes = nh;
            head = 0;
        }
    }
}
