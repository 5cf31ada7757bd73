package dev.parley.loadgen;

import dev.parley.protocol.pb.Result;

import java.util.LinkedHashMap;
import java.util.Map;

/** A snapshot of the loadgen's counters, summed over event loops; differences give rates. */
public final class Counts {

    /** Chat requests written. */
    public static final int SENT = 0;
    /** ... of which were due after the warmup. */
    public static final int SENT_MEASURED = 1;
    /** Deliveries the sent messages should cause: one per room member, the sender included. */
    public static final int EXPECTED = 2;
    public static final int EXPECTED_MEASURED = 3;
    /** Every {@code ChatNotify} of this run received, duplicates included. */
    public static final int DELIVERED = 4;
    /** First deliveries of messages due after the warmup: what the latency figures cover. */
    public static final int DELIVERED_MEASURED = 5;
    /** First deliveries of any message (warmup included): what loss is checked against. */
    public static final int DISTINCT = 6;
    /** A message a receiver had already seen (or an older one arriving after a newer one). */
    public static final int DUPLICATES = 7;
    /** A delivery from a sender that is not in the receiver's room, or of an unknown phase. */
    public static final int MISROUTED = 8;
    /** A {@code ChatNotify} without a readable {@code client_msg_id}, or an unparsable frame. */
    public static final int MALFORMED = 9;
    public static final int BYTES_IN = 10;
    /** Chat requests the server refused with an {@code ErrorNotify}. */
    public static final int REJECTED = 11;
    /** Deliveries that will never come because their message was refused. */
    public static final int REJECTED_DELIVERIES = 12;
    /** Sends not made because the client's connection had closed. */
    public static final int SEND_SKIPPED = 13;
    /** Connections the server closed during the run. */
    public static final int DISCONNECTS = 14;
    public static final int BUCKET0 = 15;
    /** {@code ErrorNotify} count per {@link Result} number (chat refusals and others). */
    public static final int ERROR0 = BUCKET0 + LatencyBuckets.COUNT;
    static final int ERROR_SLOTS = 32;
    public static final int SIZE = ERROR0 + ERROR_SLOTS;

    private final long[] v;

    Counts(long[] values) {
        if (values.length != SIZE) {
            throw new IllegalArgumentException("expected " + SIZE + " counters");
        }
        this.v = values;
    }

    public static Counts zero() {
        return new Counts(new long[SIZE]);
    }

    public long get(int index) {
        return v[index];
    }

    public Counts minus(Counts base) {
        long[] d = new long[SIZE];
        for (int i = 0; i < SIZE; i++) {
            d[i] = v[i] - base.v[i];
        }
        return new Counts(d);
    }

    public long[] buckets() {
        long[] b = new long[LatencyBuckets.COUNT];
        System.arraycopy(v, BUCKET0, b, 0, b.length);
        return b;
    }

    public long errors() {
        long n = 0;
        for (int i = 0; i < ERROR_SLOTS; i++) {
            n += v[ERROR0 + i];
        }
        return n;
    }

    /** Non-zero error counts by result name, e.g. {@code RATE_LIMITED -> 12}. */
    public Map<String, Long> errorsByResult() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < ERROR_SLOTS; i++) {
            if (v[ERROR0 + i] != 0) {
                Result r = Result.forNumber(i);
                m.put(r == null ? "RESULT_" + i : r.name(), v[ERROR0 + i]);
            }
        }
        return m;
    }

    /**
     * Deliveries expected but not received: every message sent (warmup included) should reach
     * each member of its room once, unless the server refused it.
     */
    public long lost() {
        return v[EXPECTED] - v[DISTINCT] - v[REJECTED_DELIVERIES];
    }

    static int errorSlot(int resultNumber) {
        return ERROR0 + Math.min(Math.max(resultNumber, 0), ERROR_SLOTS - 1);
    }
}
