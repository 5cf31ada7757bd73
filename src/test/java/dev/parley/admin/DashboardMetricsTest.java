package dev.parley.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.testing.AdminHttp;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard in deploy/grafana names only series that a real server publishes on
 * /metrics, and the latency timers are published as histograms with buckets.
 */
class DashboardMetricsTest {

    private static final Path DASHBOARD = Path.of("deploy", "grafana", "parley-dashboard.json");
    /** Series names in PromQL; label names and values never start with these prefixes. */
    private static final Pattern SERIES = Pattern.compile("\\b(?:parley|jvm|process|netty)_[a-z0-9_]+");

    @TempDir
    Path dir;

    /** Every series name in the dashboard's panel and variable queries. */
    static Set<String> seriesUsed(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(series(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            names.addAll(series(variable.path("definition").asText()));
        }
        return names;
    }

    private static Set<String> series(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = SERIES.matcher(promql);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The names of {@code wanted} that no sample line of the scrape carries. */
    static Set<String> missing(String scrape, Set<String> wanted) {
        Set<String> missing = new TreeSet<>();
        for (String name : wanted) {
            if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(scrape).find()) {
                missing.add(name);
            }
        }
        return missing;
    }

    @Test
    void everySeriesTheDashboardUsesIsOnMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        Set<String> used = seriesUsed(dashboard);
        assertThat(used).contains("parley_requests_total", "parley_deliveries_total", "parley_socket_flushes_total",
                "parley_handling_latency_seconds_bucket", "parley_login_latency_seconds_bucket",
                "parley_chatlog_commit_latency_seconds_bucket", "parley_jobqueue_depth",
                "parley_direct_memory_used_bytes", "parley_connections", "parley_rooms", "parley_chatlog_queued",
                "parley_chatlog_spill_pending_bytes", "parley_policy_disconnects_total", "parley_rate_limited_total");

        // sync chat log: a chat is delivered only once committed, so the commit timer has a sample
        try (TestServer server = TestServer.start(dir, c -> c.logSync(true));
             TestClient a = server.login("alice")) {
            a.send(CreateRoomRequest.newBuilder().setName("d").build());
            a.expect(CreateRoomResponse.class);
            a.send(ChatRequest.newBuilder().setText("hi").build());
            a.expect(ChatNotify.class);

            String scrape = AdminHttp.get(server, "/metrics").body();
            assertThat(missing(scrape, used)).as("dashboard series absent from /metrics").isEmpty();
            // the check itself finds an absent name
            assertThat(missing(scrape, Set.of("parley_no_such_metric", "parley_rooms")))
                    .containsExactly("parley_no_such_metric");

            // histograms with buckets from 100 µs to 10 s, each holding the sample it was given
            for (String timer : new String[]{"parley_handling_latency", "parley_login_latency",
                    "parley_chatlog_commit_latency"}) {
                assertThat(scrape).contains(timer + "_seconds_bucket{le=\"1.0E-4\"}",
                        timer + "_seconds_bucket{le=\"10.0\"}");
                assertThat(scrape).containsPattern("(?m)^" + timer + "_seconds_bucket\\{le=\"\\+Inf\"} 1(\\.0)?$")
                        .containsPattern("(?m)^" + timer + "_seconds_count 1(\\.0)?$");
            }
        }
    }
}
