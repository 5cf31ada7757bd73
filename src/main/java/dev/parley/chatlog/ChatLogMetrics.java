package dev.parley.chatlog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.function.Supplier;

/**
 * The batched chat log's meters, all named {@code parley.chatlog.*} (docs/durability.md lists
 * them). Counters are updated on the writer thread, the commit timer on the database thread
 * ({@code parley-chatlog-db}), {@code refused} on the rooms' threads; the
 * gauges are read by whoever scrapes the registry.
 */
public final class ChatLogMetrics {

    final Counter written;
    final DistributionSummary batchSize;
    final Timer commitLatency;
    final Counter retries;
    final Counter spilled;
    final Counter replayed;
    final Counter refused;

    private final MeterRegistry registry;

    ChatLogMetrics(MeterRegistry registry) {
        this.registry = registry;
        written = Counter.builder("parley.chatlog.written")
                .description("Messages committed to the database (directly or replayed)").register(registry);
        batchSize = DistributionSummary.builder("parley.chatlog.batch.size")
                .description("Messages per database transaction").register(registry);
        commitLatency = Timer.builder("parley.chatlog.commit.latency") // a histogram on /metrics: ServerMetrics' filter
                .description("Database time of each committed batch insert (direct or replayed)").register(registry);
        retries = Counter.builder("parley.chatlog.retries")
                .description("Failed database writes that were tried again").register(registry);
        spilled = Counter.builder("parley.chatlog.spilled")
                .description("Messages written to the spill file because the database was slow or down").register(registry);
        replayed = Counter.builder("parley.chatlog.replayed")
                .description("Messages moved from the spill file into the database").register(registry);
        refused = Counter.builder("parley.chatlog.refused")
                .description("Chat messages refused with SERVER_BUSY because the log queue was full").register(registry);
    }

    void bindGauges(Supplier<Number> queued, Supplier<Number> spillBytes) {
        Gauge.builder("parley.chatlog.queued", queued)
                .description("Messages accepted and waiting for the database").register(registry);
        Gauge.builder("parley.chatlog.spill.pending", spillBytes).baseUnit("bytes")
                .description("Bytes in the spill file not yet replayed into the database").register(registry);
    }
}
