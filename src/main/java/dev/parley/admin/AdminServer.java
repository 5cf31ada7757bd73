package dev.parley.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The admin HTTP port: {@code GET /metrics} (Prometheus text format) and the health documents
 * (JSON): {@code /health/live} is 200 while the process serves (a supervisor restarts it when
 * not, and through a shutdown's drain); {@code /health/ready} is 200 when it can take players and
 * 503 with the reasons when not (shutting down or draining, database unreachable, chat log too far
 * behind), for load balancers;
 * {@code /health} is as before: 200 while serving, 503 once shutting down. Served by the JDK's
 * HTTP server on a small pool of its own ({@code parley-admin-N}), away from the chat event loops;
 * over HTTPS when the server has TLS on (the same certificate as the client port, reloaded with it).
 * {@code /api/...} goes to the server API's handler when one is given.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_FOUND = "not found; try /metrics, /health/live or /health/ready\n";

    /** Handler threads of the admin port, and requests that may wait for one. */
    static final int THREADS = 4;
    static final int QUEUE = 64;
    /** The JDK server closes a connection whose request has not been read within this; see the constructor. */
    static final int MAX_REQUEST_SECONDS = 10;

    static {
        // read once by the JDK's HTTP server when its first instance starts; -1 (its default) = no limit
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(MAX_REQUEST_SECONDS));
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final String scheme;
    /** Why the server is shutting down; null while it is not. */
    private volatile String shuttingDown;

    /** What keeps the server from taking players now; called on the admin thread. */
    @FunctionalInterface
    public interface Readiness {
        /** Why not ready, by check (e.g. "database" -> "unreachable"); empty when ready. May block briefly. */
        Map<String, String> problems();
    }

    /** Plain HTTP, no server API. */
    public AdminServer(String host, int port, PrometheusMeterRegistry registry,
                       Supplier<Map<String, Object>> health, Readiness readiness) throws IOException {
        this(host, port, registry, health, readiness, null, null);
    }

    /**
     * @param health    the fields of the health documents (status is added)
     * @param readiness the checks of {@code /health/ready} besides shutting down
     * @param https     serve HTTPS with this configuration; null = plain HTTP
     * @param api       serves {@code /api/...} (the server API, package api); null = nothing there
     */
    public AdminServer(String host, int port, PrometheusMeterRegistry registry, Supplier<Map<String, Object>> health,
                       Readiness readiness, HttpsConfigurator https, HttpHandler api) throws IOException {
        scheme = https == null ? "http" : "https";
        try {
            if (https == null) {
                http = HttpServer.create(new InetSocketAddress(host, port), 64);
            } else {
                HttpsServer server = HttpsServer.create(new InetSocketAddress(host, port), 64);
                server.setHttpsConfigurator(https);
                http = server;
            }
        } catch (IOException e) {
            throw new IOException("cannot open the admin port " + host + ":" + port
                    + " (admin-port; -1 for none): " + e.getMessage(), e);
        }
        // A few threads, not one: a client that sends half a request holds a thread until
        // the JDK server's request time limit (MAX_REQUEST_SECONDS) closes it, and an API call
        // may wait up to a few seconds for a room or the database; neither may stall a scrape.
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "parley-admin-" + n.incrementAndGet());
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
            if (exactly(ex, "/health") && onlyGet(ex)) {
                document(ex, shuttingDown == null, Map.of(), health);
            }
        });
        http.createContext("/health/live", ex -> {
            if (exactly(ex, "/health/live") && onlyGet(ex)) {
                document(ex, true, Map.of(), health);
            }
        });
        http.createContext("/health/ready", ex -> {
            if (exactly(ex, "/health/ready") && onlyGet(ex)) {
                Map<String, String> problems = new LinkedHashMap<>();
                String stopping = shuttingDown;
                if (stopping != null) {
                    problems.put("server", stopping);
                } else {
                    problems.putAll(readiness.problems());
                }
                document(ex, problems.isEmpty(), problems, health);
            }
        });
        if (api != null) {
            http.createContext("/api", api);
        }
        http.createContext("/", ex -> respond(ex, 404, "text/plain; charset=utf-8", NOT_FOUND));
        http.start();
        log.info("Admin HTTP on {}://{}:{}/ (/metrics, /health/live, /health/ready, /health)", scheme, host,
                address().getPort());
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** From now on /health and /health/ready answer 503, so load balancers stop sending players here. */
    public void markShuttingDown() {
        markShuttingDown("shutting down");
    }

    /**
     * From now on /health and /health/ready answer 503, the latter with {@code reason} under
     * "server" (e.g. "shutting down: draining for 5 s"); /health/live stays 200 until the port closes.
     */
    public void markShuttingDown(String reason) {
        shuttingDown = reason;
    }

    private static void document(HttpExchange ex, boolean up, Map<String, String> problems,
                                 Supplier<Map<String, Object>> health) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", up ? "UP" : "DOWN");
        if (!problems.isEmpty()) {
            doc.put("reasons", problems);
        }
        doc.putAll(health.get());
        respond(ex, up ? 200 : 503, "application/json", JSON.writeValueAsString(doc));
    }

    /** A context serves its path and everything below it; below a health path there is nothing. */
    private static boolean exactly(HttpExchange ex, String path) throws IOException {
        if (ex.getRequestURI().getPath().equals(path)) {
            return true;
        }
        respond(ex, 404, "text/plain; charset=utf-8", NOT_FOUND);
        return false;
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
