package dev.parley.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.cli.Main;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestServer;
import dev.parley.testing.TwoNodeCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code loadgen --servers} against two cluster nodes in this JVM (one real redis-server, one
 * PostgreSQL database): every room's members split over both nodes, rooms created on the first
 * node and joined on the second once listed, every delivery arrives once, and the report holds
 * per-node and Redis figures.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLoadgenTest {

    static TwoNodeCluster cluster;
    static RedisServer redis;
    static TestServer a;
    static TestServer b;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        cluster = TwoNodeCluster.start(dir, c -> c.rateLimit(0));
        redis = cluster.redis;
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void membersSplitOverTwoNodesGetEveryMessageOnceAndEachNodeIsMeasured(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("cluster.json");
        int code = Main.run("loadgen", "--servers", "127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port(),
                "--admin-urls", admin(a) + "," + admin(b), "--redis-uri", redis.uri(),
                "--clients", "20", "--rooms", "2", "--rps", "5", "--warmup", "1s", "--duration", "2s",
                "--report", report.toString());
        assertThat(code).isZero();

        JsonNode r = new ObjectMapper().readTree(report.toFile());
        // 20 clients x 5 msg/s x 2 s, each to the 10 members of its room, 5 of them on each node
        assertThat(r.get("expected").asLong()).isEqualTo(2_000);
        assertThat(r.get("delivered").asLong()).isEqualTo(2_000);
        assertThat(r.get("lost").asLong()).isZero();
        assertThat(r.get("duplicates").asLong()).isZero();
        JsonNode cluster = r.get("cluster");
        assertThat(cluster.get("node_split").asText()).isEqualTo("members");
        assertThat(cluster.get("nodes")).hasSize(2);
        for (JsonNode node : cluster.get("nodes")) {
            // each node wrote about half: the counter runs on the wall clock, the loadgen's on due times
            assertThat(node.get("deliveries").asDouble()).as("deliveries of %s", node.get("server")).isBetween(500.0, 1_500.0);
            assertThat(node.get("cpu_seconds").asDouble()).isPositive();
            assertThat(node.has("cpu_seconds_per_million_deliveries")).isTrue();
        }
        JsonNode redisFigures = cluster.get("redis");
        assertThat(redisFigures.get("cpu_seconds").asDouble()).isPositive();
        // every message went through Redis to the other node at least once
        assertThat(redisFigures.get("net_input_bytes").asLong()).isPositive();
        assertThat(redisFigures.get("net_output_bytes").asLong()).isGreaterThan(200L * 64);
        assertThat(cluster.get("unavailable")).isEmpty();
    }

    private static String admin(TestServer s) {
        return "http://127.0.0.1:" + s.server().adminAddress().getPort();
    }
}
