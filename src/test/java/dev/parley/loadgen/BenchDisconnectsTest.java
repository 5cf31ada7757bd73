package dev.parley.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small bench run whose server disconnects the measured clients (a rate limit below their
 * rate, a short abuse grace): the bench says why, from the server, in its output, its report
 * and its chart.
 */
@Timeout(120)
class BenchDisconnectsTest {

    @TempDir
    Path tmp;

    @Test
    void aBenchWhoseClientsAreDisconnectedSaysWhyFromTheServer() throws Exception {
        BenchConfig b = new BenchConfig();
        b.load.clients = 6;
        b.load.rooms = 1;
        b.load.rps = 10;
        b.load.warmup = Duration.ZERO;
        b.load.duration = Duration.ofSeconds(3);
        b.load.threads = 1;
        b.serverArgs = List.of("--rate-limit", "2", "--abuse-grace", "300ms");
        // the server's own logging (INFO), not the test class path's logback-test.xml (WARN)
        b.serverJvmArgs = List.of("-Dlogback.configurationFile=logback.xml");
        b.report = tmp.resolve("bench.json");
        b.chart = tmp.resolve("bench.html");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            code = new Bench(b, out, Progress.silent()).run();
        }
        String output = buf.toString(StandardCharsets.UTF_8);
        Matcher kept = Pattern.compile("server log kept: (\\S+)").matcher(output);
        if (kept.find()) { // a failed run keeps the server log: not this test's business to leave behind
            Path log = Path.of(kept.group(1));
            Files.deleteIfExists(log);
            Files.deleteIfExists(log.getParent());
        }

        assertThat(code).as(output).isEqualTo(1);
        assertThat(output).containsPattern("disconnects +\\d+ measured client\\(s\\) lost their connection")
                .containsPattern("\\n +flood +\\d+\\n")
                .contains("over the rate limit of 2 requests/s");

        JsonNode server = new ObjectMapper().readTree(b.report.toFile()).get("server");
        JsonNode disconnects = server.get("disconnects");
        assertThat(disconnects.get("by_reason").get("flood").asLong()).isPositive();
        // the flood close and the rate limit's refusals share a log limiter: either may be the line
        assertThat(disconnects.get("log_examples").get(0).asText()).contains("over the rate limit of 2 requests/s");
        JsonNode verdict = new ObjectMapper().readTree(b.report.toFile()).get("verdict");
        assertThat(verdict.get("passed").asBoolean()).isFalse();
        assertThat(verdict.get("reason").asText()).contains("disconnects").contains("server disconnects by reason: flood");

        String html = Files.readString(b.chart);
        assertThat(html).contains("<div class=\"verdict fail\"><strong>FAIL</strong>")
                .contains("server disconnects by reason: flood").contains("<g class=\"disconnect\">")
                .contains("data-series=\"expected/s\"");
    }
}
