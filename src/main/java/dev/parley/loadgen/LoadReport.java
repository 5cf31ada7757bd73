package dev.parley.loadgen;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The JSON report of a load run (snake_case keys). The figures are those of the summary:
 * measured traffic for rates and latency, all traffic for loss, duplicates and errors.
 * {@code hostile} says what the server did to the hostile extras ({@code --flooders},
 * {@code --silent-connections}); {@code verdict} is the run's pass or fail with the reason, as
 * on the chart; {@code server} is filled by {@code parley bench} (CPU, memory, /health and
 * disconnects by reason of the server process); {@code cluster} by {@code loadgen --servers} with
 * per-node or Redis sources (per-node deliveries, CPU and Redis traffic; Redis CPU and traffic).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadReport(String tool, String runId, String host, int port, String protocol, String transport, int threads,
                         int clients, int rooms, double rps, String payloadMix, double fanOut,
                         long durationS, long warmupS, long sent, long expected, long delivered, long lost,
                         long duplicates, long errors, Map<String, Long> errorsByResult, long misrouted,
                         long disconnects, boolean drained, double drainS, double deliveriesPerSec,
                         double sentPerSec, double expectedPerSec, double bytesInPerSec, LatencySummary latencyUs,
                         Map<String, Long> buckets, Warmup warmup, List<Interval> intervals, List<Sample> samples,
                         Hostile.HostileReport hostile, Verdict verdict, Map<String, Object> server,
                         ClusterProbe.Figures cluster) {

    /** What the warmup sent and delivered; excluded from the figures above, included in the loss check. */
    public record Warmup(long sent, long expected, long delivered) {
    }

    /** The report of phase {@code r}, judged by {@code verdict} (e.g. {@link Verdict#of}). */
    public static LoadReport of(LoadgenConfig cfg, Loadgen loadgen, PhaseResult r, Verdict verdict,
                                Map<String, Object> server) {
        return of(cfg, loadgen, r, verdict, server, null);
    }

    /** As above, with the per-node and Redis figures of a run against several servers (or null). */
    public static LoadReport of(LoadgenConfig cfg, Loadgen loadgen, PhaseResult r, Verdict verdict,
                                Map<String, Object> server, ClusterProbe.Figures cluster) {
        Counts c = r.counts();
        return new LoadReport("parley loadgen", cfg.runId, cfg.host, cfg.port, cfg.protocol.cliName(), loadgen.transport().cliName(),
                loadgen.threads(), r.clients(), r.rooms(), r.rps(), cfg.payloadMix.toString(), loadgen.layout().fanOut(),
                r.durationS(), r.warmupS(), r.sent(), r.expected(), r.delivered(), r.lost(), r.duplicates(), r.errors(),
                r.errorsByResult(), r.misrouted(), r.disconnects(), r.drained(), r.drainSeconds(), r.deliveriesPerSec(),
                r.sentPerSec(), r.expectedPerSec(), r.bytesInPerSec(), r.latencyUs(), LatencyBuckets.asMap(r.buckets()),
                new Warmup(c.get(Counts.SENT) - c.get(Counts.SENT_MEASURED),
                        c.get(Counts.EXPECTED) - c.get(Counts.EXPECTED_MEASURED),
                        c.get(Counts.DISTINCT) - c.get(Counts.DELIVERED_MEASURED)),
                r.intervals(), r.samples(), loadgen.hostileReport(), verdict, server, cluster);
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes any report object (this one, or bench's) as indented JSON. */
    public static void write(Path file, Object report) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        mapper().writeValue(file.toFile(), report);
    }
}
