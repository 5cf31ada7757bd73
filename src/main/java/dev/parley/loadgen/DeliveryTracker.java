package dev.parley.loadgen;

/**
 * What one receiving client has seen of each member of its room.
 *
 * <p>The server delivers a room's messages in one order and a sender's requests in the order
 * sent, so every receiver sees each sender's sequence numbers rise. One word per room member
 * ({@code phase << 32 | next expected seq}) therefore tells a first delivery from a duplicate
 * without remembering messages; what never arrives shows up as expected minus first
 * deliveries. Confined to the client's event loop.
 */
final class DeliveryTracker {

    private final RoomLayout layout;
    private final int room;
    private final long[] next;

    DeliveryTracker(RoomLayout layout, int client) {
        this.layout = layout;
        this.room = layout.room(client);
        this.next = new long[layout.size(room)];
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
        if (phase == null || sender >= layout.clients() || layout.room(sender) != room) {
            stats.inc(Counts.MISROUTED);
            return;
        }
        stats.inc(Counts.DELIVERED);
        int pos = layout.position(sender);
        long state = next[pos];
        int seenPhase = (int) (state >>> 32);
        long expectedSeq = seenPhase == phaseId ? state & MsgIds.MAX_SEQ : 0;
        if (seenPhase > phaseId || seq < expectedSeq) {
            stats.inc(Counts.DUPLICATES);
            return;
        }
        next[pos] = ((long) phaseId << 32) | (seq + 1);
        stats.inc(Counts.DISTINCT);
        long due = phase.dueNanos(sender, seq);
        boolean measured = phase.isMeasured(due);
        if (measured) {
            stats.inc(Counts.DELIVERED_MEASURED);
        }
        stats.recordLatency((nowNanos - due) / 1_000, measured);
    }
}
