package dev.parley.loadgen;

/**
 * What one receiving client has seen of each member of its room.
 *
 * <p>The server delivers a room's messages in one order and a sender's requests in the order
 * sent, so every receiver sees each sender's sequence numbers rise. One word per room member
 (its phase and next expected seq) therefore tells a first delivery from a duplicate
 * without remembering messages; what never arrives shows up as expected minus first
 * deliveries. The word is an {@code int} ({@code phase << 24 | next seq}), so a room of
 * {@code n} members costs {@code 4 n²} bytes over all its receivers, and a phase is limited to
 * {@link #MAX_SEQ_PER_PHASE} messages per sender. Confined to the client's event loop.
 */
final class DeliveryTracker {

    /** Sequence numbers per sender and phase that fit the tracker's 24 bits. */
    static final long MAX_SEQ_PER_PHASE = (1 << 24) - 1;

    private final RoomLayout layout;
    private final int room;
    private final int[] next;

    DeliveryTracker(RoomLayout layout, int client) {
        this.layout = layout;
        this.room = layout.room(client);
        this.next = new int[layout.size(room)];
    }

    /**
     * Accounts one {@code ChatNotify} received at {@code nowNanos}: counts it, and records the
     * latency from its due time when it is the first delivery of that message here.
     */
    void onDelivery(long clientMsgId, long nowNanos, PhaseTable phases, LoopStats stats) {
        int phaseId = MsgIds.phase(clientMsgId);
        int sender = MsgIds.sender(clientMsgId);
        long seq = MsgIds.seq(clientMsgId);
        Phase phase = phases.get(phaseId);
        if (phase == null || sender >= layout.clients() || layout.room(sender) != room || seq >= MAX_SEQ_PER_PHASE) {
            stats.inc(Counts.MISROUTED);
            return;
        }
        stats.inc(Counts.DELIVERED);
        int pos = layout.position(sender);
        int state = next[pos];
        int seenPhase = state >>> 24;
        long expectedSeq = seenPhase == phaseId ? state & 0xFF_FFFF : 0;
        if (seenPhase > phaseId || seq < expectedSeq) {
            stats.inc(Counts.DUPLICATES);
            return;
        }
        next[pos] = (phaseId << 24) | (int) (seq + 1);
        stats.inc(Counts.DISTINCT);
        long due = phase.dueNanos(sender, seq);
        boolean measured = phase.isMeasured(due);
        if (measured) {
            stats.inc(Counts.DELIVERED_MEASURED);
        }
        stats.recordLatency((nowNanos - due) / 1_000, measured);
    }

    /** Bytes all receivers' trackers take for {@code layout}. */
    static long bytesNeeded(RoomLayout layout) {
        long total = 0;
        for (int r = 0; r < layout.rooms(); r++) {
            long n = layout.size(r);
            total += n * (n * Integer.BYTES + 16);
        }
        return total;
    }
}
