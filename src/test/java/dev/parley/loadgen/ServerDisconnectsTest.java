package dev.parley.loadgen;

import dev.parley.metrics.ServerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's reading of the server's disconnect counters and log lines. */
class ServerDisconnectsTest {

    @TempDir
    Path tmp;

    @Test
    void readsEveryDisconnectCounterTheServerPublishes() {
        // the server's own meters, so a renamed metric fails here and not silently in a bench run
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServerMetrics m = new ServerMetrics(registry);
        m.backlogDisconnect();
        m.abuseDisconnect();
        m.abuseDisconnect();
        m.timedOut("idle");
        m.sessionReplaced();
        m.slowReaderDisconnect();
        m.slowReaderDisconnect();
        m.slowReaderDisconnect();
        m.protocolViolation();
        m.rateLimited(); // a refusal, not a disconnect

        assertThat(ServerDisconnects.parseMetrics(registry.scrape())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "backlog", 1L, "flood", 2L, "idle_timeout", 1L, "login_timeout", 0L, "replaced", 1L,
                "slow_reader", 3L, "protocol_violation", 1L));
    }

    @Test
    void theRunsCountsAreTheGrowthSinceTheStart() {
        Map<String, Long> before = ServerDisconnects.parseMetrics("""
                # HELP parley_policy_disconnects_total Connections closed by a policy, by reason
                # TYPE parley_policy_disconnects_total counter
                parley_policy_disconnects_total{reason="flood"} 4.0
                parley_policy_disconnects_total{reason="backlog",} 1.0
                parley_slow_reader_disconnects_total 0.0
                parley_connections 12.0
                """);
        assertThat(before).isEqualTo(Map.of("flood", 4L, "backlog", 1L, "slow_reader", 0L));
        Map<String, Long> after = Map.of("flood", 4L, "backlog", 3L, "slow_reader", 5L, "replaced", 1L);
        assertThat(ServerDisconnects.minus(after, before)).containsExactly(
                Map.entry("backlog", 2L), Map.entry("replaced", 1L), Map.entry("slow_reader", 5L));
    }

    @Test
    void quotesTheFirstPolicyLinesOfTheServerLog() throws Exception {
        Path log = tmp.resolve("server.log");
        Files.write(log, List.of(
                "2026-11-30T19:20:00.001Z INFO  [main] ParleyServer - Parley listening on 127.0.0.1:41000",
                "2026-11-30T19:20:05.100Z INFO  [parley-io-1] SessionHandler - [p1@/127.0.0.1:5000] over the rate limit "
                        + "of 2 requests/s; excess requests are refused",
                "2026-11-30T19:20:05.600Z INFO  [parley-io-1] SessionHandler - [p1@/127.0.0.1:5000] closed: over the "
                        + "rate limit of 2 requests/s for 0 s",
                "2026-11-30T19:20:06.000Z INFO  [parley-io-0] ClientSession - [p2@/127.0.0.1:5001] closed: 5000000 bytes "
                        + "unsent, over max-pending-bytes (4194304)",
                "2026-11-30T19:20:06.500Z INFO  [parley-io-0] SessionHandler - [?@/127.0.0.1:5002] protocol violation "
                        + "from /127.0.0.1:5002: frame too long; closing",
                "2026-11-30T19:20:07.000Z INFO  [parley-io-0] SessionHandler - [p3@/127.0.0.1:5003] closed: silent for 45 s"));

        List<String> examples = ServerDisconnects.logExamples(log, 4);
        assertThat(examples).hasSize(4);
        assertThat(examples.get(0)).endsWith("excess requests are refused");
        assertThat(examples.get(1)).endsWith("closed: over the rate limit of 2 requests/s for 0 s");
        assertThat(examples.get(2)).contains("over max-pending-bytes");
        assertThat(examples.get(3)).contains("protocol violation");
        assertThat(ServerDisconnects.logExamples(log, 10)).hasSize(5).noneMatch(l -> l.contains("listening"));
        assertThat(ServerDisconnects.logExamples(tmp.resolve("absent.log"), 3)).isEmpty();
    }

    @Test
    void withoutAnAdminPortOnlyTheLogIsRead() throws Exception {
        Path log = tmp.resolve("server.log");
        Files.writeString(log, "x SessionHandler - [p@a] closed: silent for 45 s\n");
        ServerDisconnects d = new ServerDisconnects(-1, log, null);
        d.start();
        ServerDisconnects.Report r = d.report();
        assertThat(r.byReason()).isEmpty();
        assertThat(r.countersUnavailable()).isEqualTo("the server has no admin port");
        assertThat(r.logExamples()).containsExactly("x SessionHandler - [p@a] closed: silent for 45 s");
    }
}
