package dev.parley.metrics;

import dev.parley.logging.LogLimiter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The periodic one-line KPI log, the successor of the original server's 10-second table:
 * requests, notifies, deliveries, socket reads and flushes, bytes, deliveries per flush, room
 * job-queue depth and peak, direct memory of the buffer allocator, connections, logins and handling latency.
 * It also samples the job queues (the event loops' pending tasks) every 100 ms for the
 * {@code parley.jobqueue.*} gauges. Both run on its own daemon thread, {@code parley-stats}.
 */
public final class StatsReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("parley.stats");
    /** A failing stats line fails again every interval: once a minute is enough to see it. */
    private static final LogLimiter failureLog = new LogLimiter(log, Duration.ofMinutes(1));
    private static final long SAMPLE_MILLIS = 100;

    private final ServerMetrics metrics;
    private final EventExecutorGroup loops;
    private final ScheduledExecutorService timer;

    private volatile int queueDepth;
    private volatile int queuePeak;
    private int intervalPeak;
    private ServerMetrics.Totals last;
    private long lastNanos;
    private Histogram recycled;

    /**
     * Starts sampling the job queues of {@code loops}, and logs the stats line every
     * {@code interval} (zero = never).
     */
    public StatsReporter(ServerMetrics metrics, EventExecutorGroup loops, Duration interval) {
        MeterRegistry registry = metrics.registry();
        this.metrics = metrics;
        this.loops = loops;
        Gauge.builder("parley.jobqueue.depth", this, r -> r.queueDepth)
                .description("Tasks waiting on the event loops that run the rooms' job queues").register(registry);
        Gauge.builder("parley.jobqueue.peak", this, r -> r.queuePeak)
                .description("Highest job-queue depth sampled since start").register(registry);
        Gauge.builder("parley.direct.memory.used", this, r -> usedDirectMemory())
                .baseUnit("bytes").description("Direct memory held by the buffer allocator").register(registry);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-stats");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        last = metrics.totals();
        lastNanos = System.nanoTime();
        long intervalMillis = interval.toMillis();
        if (intervalMillis > 0) {
            timer.scheduleAtFixedRate(this::report, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Direct memory held by Netty's default allocator (adaptive in Netty 4.2, or pooled if configured). */
    static long usedDirectMemory() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedDirectMemory() : -1;
    }

    private void sample() {
        int depth = 0;
        for (EventExecutor e : loops) {
            if (e instanceof SingleThreadEventExecutor st) {
                depth += st.pendingTasks();
            }
        }
        queueDepth = depth;
        if (depth > queuePeak) {
            queuePeak = depth;
        }
        if (depth > intervalPeak) {
            intervalPeak = depth;
        }
    }

    /** Builds the line for the interval since the previous call; public for tests. */
    public String line() {
        ServerMetrics.Totals now = metrics.totals();
        long nanos = System.nanoTime();
        double secs = Math.max(1e-9, (nanos - lastNanos) / 1e9);
        ServerMetrics.Totals d = now.minus(last);
        last = now;
        lastNanos = nanos;
        Histogram h = metrics.takeHandlingInterval(recycled);
        recycled = h;
        int peak = intervalPeak;
        intervalPeak = queueDepth;
        double perFlush = d.flushes() > 0 ? d.deliveries() / d.flushes() : 0;
        String latency = h.getTotalCount() == 0 ? "handling -"
                : String.format(Locale.ROOT, "handling avg %.3f p50 %.3f p99 %.3f max %.3f ms",
                h.getMean() / 1000, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
        return String.format(Locale.ROOT,
                "req %.0f/s | notifies %.0f/s | deliveries %.0f/s | reads %.0f/s | flushes %.0f/s | in %.2f MB/s | "
                        + "out %.2f MB/s | deliveries/flush %.2f | jobq %d (peak %d) | direct %.1f MiB | conns %d | "
                        + "logins %.1f/s | %s",
                d.requests() / secs, d.notifies() / secs, d.deliveries() / secs, d.reads() / secs, d.flushes() / secs,
                d.bytesIn() / secs / 1e6, d.bytesOut() / secs / 1e6, perFlush, queueDepth, peak,
                usedDirectMemory() / 1048576.0, d.connections(), d.logins() / secs, latency);
    }

    private void report() {
        try {
            log.info(line());
        } catch (RuntimeException e) {
            failureLog.warn(b -> b.setMessage("stats line failed").setCause(e));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
