package dev.parley.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The admin HTTP port: {@code GET /metrics} (Prometheus text format) and {@code GET /health}
 * (JSON, 200 while serving, 503 once shutting down). Served by the JDK's HTTP server on a
 * thread of its own, away from the chat event loops.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService executor;
    private volatile boolean healthy = true;

    /**
     * @param health the fields of the health document (status is added)
     */
    public AdminServer(String host, int port, PrometheusMeterRegistry registry,
                       Supplier<Map<String, Object>> health) throws IOException {
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IOException("cannot open the admin port " + host + ":" + port
                    + " (admin-port; -1 for none): " + e.getMessage(), e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "parley-admin");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/metrics", ex -> {
            if (onlyGet(ex)) {
                respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
        });
        http.createContext("/health", ex -> {
            if (onlyGet(ex)) {
                Map<String, Object> doc = new java.util.LinkedHashMap<>();
                doc.put("status", healthy ? "UP" : "DOWN");
                doc.putAll(health.get());
                respond(ex, healthy ? 200 : 503, "application/json", JSON.writeValueAsString(doc));
            }
        });
        http.createContext("/", ex -> respond(ex, 404, "text/plain; charset=utf-8",
                "not found; try /metrics or /health\n"));
        http.start();
        log.info("Admin HTTP on http://{}:{}/ (/metrics, /health)", host, address().getPort());
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** From now on /health answers 503, so load balancers stop sending players here. */
    public void markShuttingDown() {
        healthy = false;
    }

    private static boolean onlyGet(HttpExchange ex) throws IOException {
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().add("Allow", "GET, HEAD");
            respond(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return false;
        }
        return true;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
