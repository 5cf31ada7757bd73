package dev.parley.loadgen;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.client.ClientTls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Why the bench's server closed connections during a run: the difference of its
 * disconnect counters on the admin port's {@code /metrics} between {@link #start} and
 * {@link #report}, by reason, plus the first lines of its log about its connection policies
 * (closes, and rate-limit refusals). The counters cover all the server's connections, hostile extras included; the log
 * lines are examples (the server rate-limits them). Caller's thread.
 */
final class ServerDisconnects {

    /** Log lines quoted at most. */
    static final int LOG_EXAMPLES = 3;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The server's disconnect counters as Prometheus publishes them (see metrics/ServerMetrics
     * and docs/RELIABILITY.md): {@code parley_policy_disconnects_total{reason="..."}} by reason,
     * and two counters of their own.
     */
    private static final Pattern SERIES = Pattern.compile(
            "^(parley_policy_disconnects_total|parley_slow_reader_disconnects_total|parley_protocol_violations_total)"
                    + "(\\{[^}]*})?\\s+(\\S+)");
    private static final Pattern REASON_LABEL = Pattern.compile("reason=\"([^\"]*)\"");
    /**
     * What the server's log says when a policy closes a connection (session/SessionHandler,
     * ClientSession), and the rate limit's refusal line: it shares its log limiter with the
     * flood close, so it may be the only line about that policy within a log interval.
     */
    private static final List<String> LOG_MARKERS = List.of("] closed: ", "protocol violation from ",
            "unexpected error; closing the connection", "over the rate limit of ");

    /** The run's disconnects by reason, example log lines, and why the counters are missing, if they are. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Report(Map<String, Long> byReason, List<String> logExamples, String countersUnavailable) {
    }

    private final int adminPort;
    private final Path log;
    private final HttpClient http;
    /** {@code http} or {@code https}: the admin port speaks TLS when the server does. */
    private final String scheme;
    private Map<String, Long> before;
    private String unavailable;

    /**
     * {@code adminPort} 0 or less: the server has none, only its log is read.
     *
     * @param tls the load's TLS, which the server's admin port speaks too; null = plain HTTP
     */
    ServerDisconnects(int adminPort, Path log, ClientTls tls) {
        this.adminPort = adminPort;
        this.log = log;
        this.scheme = tls == null ? "http" : "https";
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT);
        if (tls != null) {
            b.sslContext(tls.jdkContext());
        }
        this.http = adminPort > 0 ? b.build() : null;
    }

    /** Reads the counters before the load. */
    void start() throws InterruptedException {
        before = scrape();
    }

    /** Reads the counters again and the log; the counts are those since {@link #start}. */
    Report report() throws InterruptedException {
        Map<String, Long> after = before == null ? null : scrape();
        return new Report(after == null ? Map.of() : minus(after, before), logExamples(log, LOG_EXAMPLES), unavailable);
    }

    private Map<String, Long> scrape() throws InterruptedException {
        if (adminPort <= 0) {
            unavailable = "the server has no admin port";
            return null;
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + adminPort + "/metrics"))
                    .timeout(HTTP_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                unavailable = "/metrics answered " + r.statusCode();
                return null;
            }
            return parseMetrics(r.body());
        } catch (IOException e) {
            unavailable = "/metrics: " + e;
            return null;
        }
    }

    /**
     * The disconnect counters of a Prometheus scrape by reason: the {@code reason} label of
     * {@code parley_policy_disconnects_total} ({@code backlog}, {@code flood}, ...), and
     * {@code slow_reader} and {@code protocol_violation}.
     */
    static Map<String, Long> parseMetrics(String scrape) {
        Map<String, Long> m = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            Matcher s = SERIES.matcher(line);
            if (!s.find()) {
                continue;
            }
            String reason = switch (s.group(1)) {
                case "parley_slow_reader_disconnects_total" -> "slow_reader";
                case "parley_protocol_violations_total" -> "protocol_violation";
                default -> {
                    Matcher r = REASON_LABEL.matcher(s.group(2) == null ? "" : s.group(2));
                    yield r.find() ? r.group(1) : "unknown";
                }
            };
            m.merge(reason, Math.round(Double.parseDouble(s.group(3))), Long::sum);
        }
        return m;
    }

    /** {@code after - before} by reason, leaving out reasons that did not grow. */
    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((reason, n) -> {
            long delta = n - before.getOrDefault(reason, 0L);
            if (delta > 0) {
                d.put(reason, delta);
            }
        });
        return d;
    }

    /** The first {@code max} policy lines of the server log (see {@link #LOG_MARKERS}); none without the log. */
    static List<String> logExamples(Path log, int max) {
        if (log == null || !Files.isReadable(log)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(ServerDisconnects::isDisconnectLine).limit(max).map(String::strip).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of("(could not read " + log + ": " + e.getMessage() + ")");
        }
    }

    static boolean isDisconnectLine(String line) {
        for (String marker : LOG_MARKERS) {
            if (line.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
