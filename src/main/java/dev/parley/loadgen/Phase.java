package dev.parley.loadgen;

/**
 * One constant-rate stretch of load: every client sends at {@code rps} from {@code start} to
 * {@code end}, the first {@code warmup} of it excluded from the figures.
 *
 * <p>The schedule is open-loop: the k-th message of sender {@code i} is due at
 * {@code start + offset(i) + k / rps}, whatever happened to earlier messages. Offsets spread
 * the clients evenly over one period, so the load is smooth rather than 500 sends at once.
 * Latency is measured from the due time, so a sender that falls behind (a slow loop, a full
 * socket) shows up in the figures instead of silently lowering the offered load.
 */
public final class Phase {

    private final int id;
    private final double rps;
    private final long periodNanos;
    private final int clients;
    private final long startNanos;
    private final long warmupEndNanos;
    private final long endNanos;

    public Phase(int id, double rps, int clients, long startNanos, long warmupNanos, long durationNanos) {
        if (id < 1 || id > MsgIds.MAX_PHASE) {
            throw new IllegalArgumentException("at most " + MsgIds.MAX_PHASE + " phases per run");
        }
        if (!(rps > 0) || rps > 1_000_000) {
            throw new IllegalArgumentException("rps must be within (0, 1000000], was " + rps);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be positive");
        }
        if (warmupNanos < 0 || durationNanos <= 0) {
            throw new IllegalArgumentException("warmup must be >= 0 and duration > 0");
        }
        this.id = id;
        this.rps = rps;
        this.periodNanos = Math.round(1e9 / rps);
        this.clients = clients;
        this.startNanos = startNanos;
        this.warmupEndNanos = startNanos + warmupNanos;
        this.endNanos = warmupEndNanos + durationNanos;
        if ((endNanos - startNanos) / periodNanos > DeliveryTracker.MAX_SEQ_PER_PHASE) {
            throw new IllegalArgumentException("too many messages per client for one run (at most "
                    + DeliveryTracker.MAX_SEQ_PER_PHASE + "): shorten --duration or lower --rps");
        }
    }

    public int id() {
        return id;
    }

    public double rps() {
        return rps;
    }

    public long periodNanos() {
        return periodNanos;
    }

    public long startNanos() {
        return startNanos;
    }

    public long warmupEndNanos() {
        return warmupEndNanos;
    }

    public long endNanos() {
        return endNanos;
    }

    /** Where in the period sender {@code i} sends: evenly spread, in sender order. */
    public long offsetNanos(int sender) {
        return (long) sender * periodNanos / clients;
    }

    /** When the {@code seq}-th message (0-based) of {@code sender} is due. */
    public long dueNanos(int sender, long seq) {
        return startNanos + offsetNanos(sender) + seq * periodNanos;
    }

    /** A message due at {@code dueNanos} counts in the figures (it is past the warmup). */
    public boolean isMeasured(long dueNanos) {
        return dueNanos >= warmupEndNanos;
    }

    /** A message due at {@code dueNanos} is sent at all (it is before the end). */
    public boolean isInside(long dueNanos) {
        return dueNanos < endNanos;
    }
}
