package dev.parley.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.cli.Main;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Short load runs against a real server over loopback. */
@Timeout(60)
class LoadgenRunTest {

    @TempDir
    Path tmp;

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(tmp.resolve("data"), c -> c.rateLimit(1_000));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shortRunDeliversEverythingAndWritesACompleteReport() throws Exception {
        Path report = tmp.resolve("out/report.json");
        Path chart = tmp.resolve("out/chart.html");
        int code = Main.run("loadgen", "--port", String.valueOf(server.port()), "--clients", "20", "--rooms", "2",
                "--rps", "5", "--warmup", "1s", "--duration", "3s", "--source-addresses", "127.0.0.1-127.0.0.2",
                "--report", report.toString(), "--chart", chart.toString());
        assertThat(code).isZero();

        JsonNode r = new ObjectMapper().readTree(report.toFile());
        for (String field : List.of("clients", "rooms", "rps", "duration_s", "sent", "expected", "delivered", "lost",
                "deliveries_per_sec", "sent_per_sec", "latency_us", "buckets", "intervals")) {
            assertThat(r.has(field)).as("report field %s", field).isTrue();
        }
        for (String field : List.of("mean", "p50", "p90", "p99", "p999", "max")) {
            assertThat(r.get("latency_us").has(field)).as("latency_us.%s", field).isTrue();
        }
        assertThat(r.get("clients").asInt()).isEqualTo(20);
        assertThat(r.get("rooms").asInt()).isEqualTo(2);
        assertThat(r.get("duration_s").asLong()).isEqualTo(3);
        long sent = r.get("sent").asLong();
        long expected = r.get("expected").asLong();
        // 20 clients x 5 msg/s x 3 s, each to the 10 members of its room
        assertThat(sent).isEqualTo(300);
        assertThat(expected).isEqualTo(3_000);
        assertThat(r.get("delivered").asLong()).isEqualTo(expected);
        assertThat(r.get("lost").asLong()).isZero();
        assertThat(r.get("duplicates").asLong()).isZero();
        assertThat(r.get("errors").asLong()).isZero();
        assertThat(r.get("deliveries_per_sec").asDouble()).isEqualTo(1_000.0);
        assertThat(r.get("sent_per_sec").asDouble()).isEqualTo(100.0);
        assertThat(r.get("warmup").get("sent").asLong()).isEqualTo(100);
        assertThat(r.get("warmup").get("delivered").asLong()).isEqualTo(1_000);
        long inBuckets = 0;
        for (JsonNode n : r.get("buckets")) {
            inBuckets += n.asLong();
        }
        assertThat(inBuckets).isEqualTo(expected);
        assertThat(r.get("latency_us").get("max").asDouble()).isPositive();
        // one row for the warmup second, one for the 3 measured seconds
        assertThat(r.get("intervals")).hasSize(2);
        assertThat(r.get("intervals").get(0).get("warmup").asBoolean()).isTrue();
        assertThat(r.get("intervals").get(1).get("end_s").asLong()).isEqualTo(4);
        assertThat(r.get("samples")).hasSize(4);
        // a measured second sends 100 messages to rooms of 10: about 1,000 expected deliveries
        assertThat(r.get("samples").get(2).get("expected_per_sec").asDouble()).isBetween(800.0, 1_200.0);
        assertThat(r.get("samples").get(2).get("disconnects").asLong()).isZero();
        assertThat(r.get("verdict").get("passed").asBoolean()).isTrue();

        String html = Files.readString(chart);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("<polyline").doesNotContain("<script")
                .contains("<strong>PASS</strong> every expected delivery arrived exactly once")
                .contains("data-series=\"expected/s\"");
    }

    @Test
    void overWebSocketTheSameRunDeliversEverything() throws Exception {
        Path report = tmp.resolve("out/ws.json");
        int code = Main.run("loadgen", "--protocol", "ws", "--port", String.valueOf(server.server().webSocketAddress().getPort()),
                "--clients", "20", "--rooms", "2", "--rps", "5", "--warmup", "1s", "--duration", "3s",
                "--report", report.toString());
        assertThat(code).isZero();
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertThat(r.get("protocol").asText()).isEqualTo("ws");
        assertThat(r.get("sent").asLong()).isEqualTo(300);
        assertThat(r.get("delivered").asLong()).isEqualTo(3_000);
        assertThat(r.get("lost").asLong()).isZero();
        assertThat(r.get("duplicates").asLong()).isZero();
        assertThat(r.get("errors").asLong()).isZero();
        assertThat(r.get("disconnects").asLong()).isZero();
    }

    @Test
    void theHostileExtrasSpeakTcpOnly() {
        assertThat(Main.run("loadgen", "--protocol", "ws", "--flooders", "1")).isEqualTo(2);
    }

    @Test
    void refusedMessagesAreCountedAsErrorsAndFailTheRun() throws Exception {
        server.close();
        // 5 requests/s (burst 10) per connection, but each client sends 40/s
        server = TestServer.start(tmp.resolve("data2"), c -> c.rateLimit(5));
        LoadgenConfig cfg = config(4, 1, 40, 0, 2);
        try (Loadgen lg = new Loadgen(cfg, quiet(), Progress.silent())) {
            lg.setup();
            PhaseResult r = lg.runPhase(cfg.rps, 0, 2, PhaseListener.NONE, false, "test");
            assertThat(r.errorsByResult()).containsKey("RATE_LIMITED");
            // the server tells a flooding connection once a second, not per refused message
            assertThat(r.errors()).isBetween(4L, 4L * 4);
            assertThat(r.counts().get(Counts.REJECTED)).isEqualTo(r.errors());
            // the refusals it did not tell about never arrive: lost, as far as the client can know
            assertThat(r.lost()).isGreaterThan(100);
            assertThat(r.delivered()).isPositive();
            assertThat(r.clean()).isFalse();
        }
    }

    @Test
    void setupFailuresSayWhichStepFailedAndWhy() throws Exception {
        LoadgenConfig first = config(3, 1, 1, 0, 1);
        first.runId = "pwtest";
        try (Loadgen lg = new Loadgen(first, quiet(), Progress.silent())) {
            lg.setup(); // registers lg-pwtest-0..2 with the default password
        }
        LoadgenConfig second = config(3, 1, 1, 0, 1);
        second.runId = "pwtest";
        second.password = "something-else";
        try (Loadgen lg = new Loadgen(second, quiet(), Progress.silent())) {
            assertThatThrownBy(lg::setup).isInstanceOf(LoadgenSetupException.class)
                    .hasMessageContaining("log in failed for 3 of 3 clients")
                    .hasMessageContaining("INVALID_CREDENTIALS");
        }
        int port = server.port();
        server.close();
        LoadgenConfig refused = config(2, 1, 1, 0, 1);
        refused.port = port;
        try (Loadgen lg = new Loadgen(refused, quiet(), Progress.silent())) {
            assertThatThrownBy(lg::setup).isInstanceOf(LoadgenSetupException.class)
                    .hasMessageContaining("2 of 2 connections to 127.0.0.1:" + port + " failed");
        }
    }

    @Test
    void silentConnectionsAndReadingFloodersAreClosedByTheServerWhileMeasuredClientsStayClean() throws Exception {
        server.close();
        server = TestServer.start(tmp.resolve("data3"), c -> c.loginTimeout(Duration.ofMillis(800))
                .abuseGrace(Duration.ofMillis(500)));
        Path report = tmp.resolve("hostile.json");
        LoadgenConfig cfg = config(4, 1, 5, 0, 3);
        cfg.flooders = 1;
        cfg.silentConnections = 6;
        cfg.report = report;
        try (Loadgen lg = new Loadgen(cfg, quiet(), Progress.silent())) {
            lg.setup();
            PhaseResult r = lg.runPhase(cfg.rps, 0, 3, PhaseListener.NONE, false, "test");
            assertThat(r.clean()).as(ResultPrinter.failure(r)).isTrue();
            assertThat(r.delivered()).isEqualTo(4 * 5 * 3 * 4);

            Hostile.HostileReport h = lg.hostileReport();
            // every silent connection, half-header or not, gets TIMED_OUT at the login timeout
            assertThat(h.silent().connections()).isEqualTo(6);
            assertThat(h.silent().closedByServer()).isEqualTo(6);
            assertThat(h.silent().closeResults()).containsExactly(Map.entry("TIMED_OUT", 6L));
            assertThat(h.silent().closedAfterMinS()).isGreaterThanOrEqualTo(0.7);
            assertThat(h.silent().closedAfterMaxS()).isLessThan(2.5);
            assertThat(h.silent().openAtEnd()).isZero();
            assertThat(h.probeLoginMs()).isNotNull().isNotNegative();
            // the flooder is refused, then closed after the abuse grace, and comes back for more
            assertThat(h.flooders().closedByServer()).isGreaterThanOrEqualTo(1);
            assertThat(h.flooders().connections()).isGreaterThan(h.flooders().closedByServer() - 1);
            assertThat(h.flooders().closeResults()).containsOnlyKeys("RATE_LIMITED");
            assertThat(h.flooders().closedAfterMinS()).isBetween(0.4, 2.0);
            assertThat(h.flooders().chatsSent()).isGreaterThan(1_000);

            LoadReport.write(report, LoadReport.of(cfg, lg, r, Verdict.of(r), null));
        }
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertThat(j.get("hostile").get("silent").get("closed_by_server").asLong()).isEqualTo(6);
        assertThat(j.get("hostile").get("flooder_reads").asBoolean()).isTrue();
        assertThat(j.get("hostile").get("flooders").get("close_results").has("RATE_LIMITED")).isTrue();
    }

    @Test
    void aNonReadingFlooderIsClosedForItsBacklogAndTheMeasuredClientsStayClean() throws Exception {
        server.close();
        // no rate limit: the flooder's own echoes pile up until back-pressure and the backlog cap act;
        // a small kernel send buffer, or autotuning would absorb megabytes first (epoll writes straight to it)
        server = TestServer.start(tmp.resolve("data4"), c -> c.rateLimit(0).chatLog(false).sendBuffer(16 * 1024)
                .slowReaderBytes(64 * 1024).maxPendingBytes(256 * 1024).slowReaderGrace(Duration.ofMillis(500)));
        LoadgenConfig cfg = config(4, 1, 5, 0, 3);
        cfg.flooders = 1;
        cfg.flooderReads = false;
        try (Loadgen lg = new Loadgen(cfg, quiet(), Progress.silent())) {
            lg.setup();
            PhaseResult r = lg.runPhase(cfg.rps, 0, 3, PhaseListener.NONE, false, "test");
            assertThat(r.clean()).as(ResultPrinter.failure(r)).isTrue();

            HostileStats.Report f = lg.hostileReport().flooders();
            assertThat(f.closedByServer()).isGreaterThanOrEqualTo(1);
            assertThat(f.closeResults()).containsOnlyKeys(HostileStats.NO_ERROR_NOTIFY); // it read nothing
            // closed for not reading (backlog cap or slow-reader grace), not for its rate
            var meters = server.server().meterRegistry();
            double notReading = meters.get("parley.slow.reader.disconnects").counter().count()
                    + meters.get("parley.policy.disconnects").tag("reason", "backlog").counter().count();
            assertThat(notReading).isGreaterThanOrEqualTo(f.closedByServer());
            assertThat(meters.get("parley.policy.disconnects").tag("reason", "flood").counter().count()).isZero();
            assertThat(lg.hostileReport().silent()).isNull();
        }
    }

    private LoadgenConfig config(int clients, int rooms, double rps, long warmupS, long durationS) {
        LoadgenConfig c = new LoadgenConfig();
        c.port = server.port();
        c.clients = clients;
        c.rooms = rooms;
        c.rps = rps;
        c.warmup = Duration.ofSeconds(warmupS);
        c.duration = Duration.ofSeconds(durationS);
        c.drain = Duration.ofSeconds(3);
        c.setupTimeout = Duration.ofSeconds(20);
        c.threads = 2;
        return c;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
