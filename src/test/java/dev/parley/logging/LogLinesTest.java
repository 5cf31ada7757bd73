package dev.parley.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two line formats and the limiter, on logback events built or captured in the test. */
class LogLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();

    private LoggingEvent event(String message, Throwable error, KeyValuePair... pairs) {
        Logger logger = context.getLogger("parley.login");
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, error, null);
        for (KeyValuePair kv : pairs) {
            e.addKeyValuePair(kv);
        }
        return e;
    }

    private JsonNode json(ILoggingEvent e) throws Exception {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        String line = new String(encoder.encode(e), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.indexOf('\n')).as("one line").isEqualTo(line.length() - 1);
        return JSON.readTree(line);
    }

    @Test
    void aJsonLineHasTheFixedFieldsAndTheKeyValuesAsFieldsOfTheirOwn() throws Exception {
        JsonNode line = json(event("login as amy\nfailed", null, new KeyValuePair("event", "login_failed"),
                new KeyValuePair("player", "amy"), new KeyValuePair("player_id", 42L),
                new KeyValuePair("ok", false), new KeyValuePair("level", "forged")));
        assertThat(line.get("level").asText()).as("a key-value cannot replace a fixed field").isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("parley.login");
        assertThat(line.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(line.get("message").asText()).isEqualTo("login as amy\nfailed");
        assertThat(OffsetDateTime.parse(line.get("time").asText())).isNotNull();
        assertThat(line.get("event").asText()).isEqualTo("login_failed");
        assertThat(line.get("player").asText()).isEqualTo("amy");
        assertThat(line.get("player_id").isNumber()).isTrue();
        assertThat(line.get("player_id").asLong()).isEqualTo(42);
        assertThat(line.get("ok").isBoolean()).isTrue();
        assertThat(line.has("error")).isFalse();
    }

    @Test
    void aJsonLineCarriesTheStackTraceAsOneField() throws Exception {
        JsonNode line = json(event("boom", new IllegalStateException("broken")));
        assertThat(line.get("error").asText()).contains("IllegalStateException: broken", "at dev.parley.logging");
    }

    @Test
    void textKeyValuesFollowTheMessageQuotedWhereNeeded() {
        KeyValuesConverter kv = new KeyValuesConverter();
        assertThat(kv.convert(event("plain", null))).isEmpty();
        assertThat(kv.convert(event("m", null, new KeyValuePair("event", "login"), new KeyValuePair("player_id", 7),
                new KeyValuePair("reason", "unknown name or \"wrong\" password"), new KeyValuePair("player", ""),
                new KeyValuePair("remote", "a=b\nc"))))
                .isEqualTo(" event=login player_id=7 reason=\"unknown name or \\\"wrong\\\" password\" player=\"\""
                        + " remote=\"a=b\\nc\"");
    }

    @Test
    void clientTextIsCleanedAndCut() {
        assertThat(LogText.clean("amy\nINFO forged line")).isEqualTo("amy?INFO forged line");
        assertThat(LogText.clean("x".repeat(100))).hasSize(LogText.MAX_CHARS + 1).endsWith("…");
        assertThat(LogText.clean(null)).isEmpty();
    }

    @Test
    void theFormatIsTextOrJson() {
        assertThat(LogFormat.parse(" JSON ")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.parse("text")).isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> LogFormat.parse("xml")).hasMessageContaining("text or json");
    }

    @Test
    void theLimiterLogsOnceAnIntervalAndCountsWhatItLeftOut() {
        Logger logger = context.getLogger("limited");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        logger.addAppender(captured);
        LogLimiter limiter = new LogLimiter(logger, Duration.ofNanos(1));
        LogLimiter hourly = new LogLimiter(logger, Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            hourly.warn("flood from {}", "10.0.0." + i);
        }
        limiter.info(b -> b.setMessage("structured").addKeyValue("event", "x"));
        List<String> messages = new ArrayList<>();
        captured.list.forEach(e -> messages.add(e.getFormattedMessage()));
        assertThat(messages).containsExactly("flood from 10.0.0.0", "structured");
        assertThat(captured.list.get(0).getKeyValuePairs()).isNullOrEmpty();

        // the first line after left-out ones says how many, in its text and as a key-value
        LogLimiter again = new LogLimiter(logger, Duration.ofMillis(200));
        again.warn("slow reader {}", "a");
        again.warn("slow reader {}", "b");
        again.warn("slow reader {}", "c");
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int before = captured.list.size();
        while (captured.list.size() == before && System.nanoTime() < until) {
            again.warn("slow reader {}", "d"); // left out until the interval has passed
        }
        ILoggingEvent counted = captured.list.get(captured.list.size() - 1);
        assertThat(counted.getFormattedMessage()).startsWith("slow reader d (").endsWith(" more like it since the last such line)");
        assertThat(counted.getKeyValuePairs()).anySatisfy(kv -> {
            assertThat(kv.key).isEqualTo(LogLimiter.SUPPRESSED);
            assertThat((Long) kv.value).isGreaterThanOrEqualTo(2);
        });
    }
}
