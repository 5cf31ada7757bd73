package dev.parley.metrics;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs one kind of event at most once per interval, saying how many were left out since, so an
 * attack that repeats an event a hundred thousand times a second costs one log line a second
 * (the meters count every one). Thread-safe, lock-free.
 */
public final class LogLimiter {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public LogLimiter(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs at INFO unless a line of this kind was logged within the interval. */
    public void info(String format, Object... args) {
        if (take()) {
            log.info(withCount(format), withCount(args));
        }
    }

    /** Logs at WARN unless a line of this kind was logged within the interval. */
    public void warn(String format, Object... args) {
        if (take()) {
            log.warn(withCount(format), withCount(args));
        }
    }

    private boolean take() {
        long now = System.nanoTime();
        long due = next.get();
        if ((due != Long.MIN_VALUE && now - due < 0) || !next.compareAndSet(due, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return false;
        }
        return true;
    }

    private static String withCount(String format) {
        return format + "{}";
    }

    private Object[] withCount(Object[] args) {
        long n = suppressed.getAndSet(0);
        Object[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = n == 0 ? "" : " (" + n + " more like it since the last such line)";
        return out;
    }
}
