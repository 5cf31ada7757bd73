package dev.parley.loadgen;

/**
 * The loadgen's {@code client_msg_id} layout: {@code [phase:8][sender:24][seq:32]}.
 *
 * <p>A delivery carries everything needed to account for it: which phase (rate step) it
 * belongs to, which client sent it and that client's sequence number in the phase. With the
 * phase's schedule the due time follows by arithmetic ({@link Phase#dueNanos}), so the
 * receive path needs no map from message to send time.
 */
public final class MsgIds {

    public static final int MAX_PHASE = 255;
    public static final int MAX_SENDER = (1 << 24) - 1;
    public static final long MAX_SEQ = 0xFFFF_FFFFL;

    private MsgIds() {
    }

    public static long encode(int phase, int sender, long seq) {
        if (phase < 1 || phase > MAX_PHASE) {
            throw new IllegalArgumentException("phase must be within 1.." + MAX_PHASE + ", was " + phase);
        }
        if (sender < 0 || sender > MAX_SENDER) {
            throw new IllegalArgumentException("sender must be within 0.." + MAX_SENDER + ", was " + sender);
        }
        if (seq < 0 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("seq must be within 0.." + MAX_SEQ + ", was " + seq);
        }
        return ((long) phase << 56) | ((long) sender << 32) | seq;
    }

    public static int phase(long id) {
        return (int) (id >>> 56);
    }

    public static int sender(long id) {
        return (int) ((id >>> 32) & MAX_SENDER);
    }

    public static long seq(long id) {
        return id & MAX_SEQ;
    }
}
