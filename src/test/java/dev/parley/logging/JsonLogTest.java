package dev.parley.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.launch.ServerProcess;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --log-format json} end to end: a real server process with the shipped logback.xml, a
 * login that registers, one with a wrong password; every line the process wrote is a JSON
 * object with the fixed fields, the logins carry their structured fields under
 * {@code parley.login}, and no password appears anywhere.
 */
class JsonLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Correct-Horse-7731";
    private static final String WRONG_PASSWORD = "Wrong-Battery-9917";

    @TempDir
    Path dir;

    /** The logback.xml the jar ships (target/classes), not the tests' logback-test.xml. */
    private static Path shippedLogbackXml() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(LogFormat.class.getResource("/logback.xml")).toURI());
    }

    @Test
    void everyLineIsJsonWithTheFieldsAndNoPasswordOrToken() throws Exception {
        List<String> args = List.of("--host", "127.0.0.1", "--port", "0", "--admin-port", "-1", "--io-threads", "1",
                "--password-iterations", "1000", "--data-dir", dir.resolve("data").toString(),
                "--log-format", "json", "--drain", "0", "--stats-interval", "0");
        ServerProcess.Options options = ServerProcess.Options.of(args, dir.resolve("server.log"))
                .withJvmArgs(List.of("-Xmx128m", "-Dlogback.configurationFile=" + shippedLogbackXml()));
        String output;
        try (ServerProcess server = ServerProcess.start(options)) {
            try (TestClient erin = TestClient.connect("127.0.0.1", server.port())) {
                erin.loginOk("erin", PASSWORD); // registers
            }
            try (TestClient mallory = TestClient.connect("127.0.0.1", server.port())) {
                assertThat(mallory.login("erin", WRONG_PASSWORD).getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
            }
            assertThat(server.terminate(Duration.ofSeconds(60))).isZero();
            output = server.output();
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new AssertionError("not a JSON line: " + line + "\nin:\n" + output, e);
                }
            }
        }
        assertThat(lines).hasSizeGreaterThan(3);
        for (JsonNode line : lines) {
            assertThat(line.isObject()).as(line.toString()).isTrue();
            assertThat(line.fieldNames()).toIterable().as(line.toString())
                    .contains("time", "level", "logger", "thread", "message");
            OffsetDateTime.parse(line.get("time").asText()); // full ISO-8601 with the zone offset
        }

        JsonNode registered = only(lines, "registered");
        assertThat(registered.get("player").asText()).isEqualTo("erin");
        assertThat(registered.get("player_id").isNumber()).isTrue();

        JsonNode login = only(lines, "login");
        assertThat(login.get("logger").asText()).isEqualTo("parley.login");
        assertThat(login.get("level").asText()).isEqualTo("INFO");
        assertThat(login.get("player").asText()).isEqualTo("erin");
        assertThat(login.get("remote").asText()).isEqualTo("127.0.0.1");

        JsonNode failed = only(lines, "login_failed");
        assertThat(failed.get("logger").asText()).isEqualTo("parley.login");
        assertThat(failed.get("level").asText()).isEqualTo("INFO");
        assertThat(failed.get("player").asText()).isEqualTo("erin");
        assertThat(failed.get("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(failed.get("result").asText()).isEqualTo("INVALID_CREDENTIALS");
        assertThat(failed.get("reason").asText()).isNotBlank();

        assertThat(output).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD)
                .doesNotContainIgnoringCase("password\":").doesNotContainIgnoringCase("token\":");
    }

    private static JsonNode only(List<JsonNode> lines, String event) {
        List<JsonNode> found = lines.stream().filter(l -> event.equals(l.path("event").asText())).toList();
        assertThat(found).as("lines with event " + event).hasSize(1);
        return found.get(0);
    }
}
