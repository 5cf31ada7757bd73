package dev.parley.logging;

import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Logs one kind of event at most once per interval, saying how many were left out since, so an
 * attack that repeats an event a hundred thousand times a second costs one log line a second
 * (the meters count every one). A line after left-out ones carries the count as the key-value
 * {@code suppressed} (a field of its own in JSON logs) and, in the format-string forms, in its
 * text. Thread-safe, lock-free.
 */
public final class LogLimiter {

    /** The key-value that counts the lines left out before this one. */
    public static final String SUPPRESSED = "suppressed";

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
            logWithCount(log.atInfo(), format, args);
        }
    }

    /** Logs at WARN unless a line of this kind was logged within the interval. */
    public void warn(String format, Object... args) {
        if (take()) {
            logWithCount(log.atWarn(), format, args);
        }
    }

    /**
     * The structured form: unless a line of this kind was logged within the interval,
     * {@code line} gets an INFO event to add its message, key-values and cause to; it is
     * logged once {@code line} returns.
     */
    public void info(Consumer<LoggingEventBuilder> line) {
        if (take()) {
            logBuilt(log.atInfo(), line);
        }
    }

    /** As {@link #info(Consumer)}, at WARN. */
    public void warn(Consumer<LoggingEventBuilder> line) {
        if (take()) {
            logBuilt(log.atWarn(), line);
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

    private void logWithCount(LoggingEventBuilder event, String format, Object[] args) {
        long n = suppressed.getAndSet(0);
        Object[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = n == 0 ? "" : " (" + n + " more like it since the last such line)";
        if (n > 0) {
            event.addKeyValue(SUPPRESSED, n);
        }
        event.log(format + "{}", out);
    }

    private void logBuilt(LoggingEventBuilder event, Consumer<LoggingEventBuilder> line) {
        long n = suppressed.getAndSet(0);
        line.accept(event);
        if (n > 0) {
            event.addKeyValue(SUPPRESSED, n);
        }
        event.log();
    }
}
