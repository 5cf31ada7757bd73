package dev.parley.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two counters of a node's admin {@code /metrics} that the per-node figures need: the
 * JVM's CPU time ({@code process_cpu_time_ns_total}) and the deliveries it wrote
 * ({@code parley_deliveries_total}, chat and membership notices). Caller's thread.
 */
final class NodeMetrics {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern CPU = Pattern.compile("(?m)^process_cpu_time_ns_total(?:\\{[^}]*})?\\s+(\\S+)");
    private static final Pattern DELIVERIES = Pattern.compile("(?m)^parley_deliveries_total(?:\\{[^}]*})?\\s+(\\S+)");

    /** One scrape: CPU seconds and deliveries so far, NaN for a counter the scrape lacks. */
    record Counters(double cpuSeconds, double deliveries) {
        static final Counters NONE = new Counters(Double.NaN, Double.NaN);
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    /** The counters at {@code metricsUrl} (the admin base URL, e.g. {@code http://127.0.0.1:9090}); throws when unreachable. */
    Counters read(URI adminUrl) throws IOException, InterruptedException {
        URI u = adminUrl.resolve("/metrics");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IOException(u + " answered " + r.statusCode());
        }
        return parse(r.body());
    }

    static Counters parse(String scrape) {
        return new Counters(value(CPU, scrape) / 1e9, value(DELIVERIES, scrape));
    }

    private static double value(Pattern p, String scrape) {
        Matcher m = p.matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
