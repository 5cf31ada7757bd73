package dev.parley.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.parley.logging.LogLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server API's HTTP front ({@code /api/...} on the admin port, docs/api.md): checks the
 * bearer key, finds the route, reads and caps the JSON body, calls the endpoint and answers its
 * document or the JSON error {@code {"error", "reason"}} with the right status. Counts every
 * call by outcome ({@code parley.api.requests{outcome}}) and logs refused keys rate-limited.
 *
 * <p>Thread: the admin port's handler threads (a small pool, see admin.AdminServer), several at
 * once; endpoints wait for room queues and the database with a bound ({@link #CALL_TIMEOUT}).
 */
public final class ApiServer implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final LogLimiter refusedLog = new LogLimiter(log, Duration.ofSeconds(10));
    static final ObjectMapper JSON = new ObjectMapper();

    /** Where the API lives on the admin port. */
    public static final String PREFIX = "/api";
    /** The largest request body; a larger one gets 413 unread. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** How much of a too large body is read and dropped before the 413, see {@link #tooLarge}. */
    static final long DRAIN_BYTES = 1 << 20;
    /** How long a call waits for a room queue or the database before it answers 503. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /** One call's handling: returns the response document (status in {@link Reply}), or throws {@link ApiException}. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Call call) throws Exception;
    }

    /** What an endpoint answers: a status and a JSON document. */
    public record Reply(int status, Object body) {
        static Reply ok(Object body) {
            return new Reply(200, body);
        }

        static Reply created(Object body) {
            return new Reply(201, body);
        }
    }

    /** A route: method, path pattern with {@code {name}} segments, handler. */
    public record Route(String method, String pattern, Handler handler) {
        List<String> segments() {
            return List.of(pattern.substring(1).split("/"));
        }
    }

    /** One authenticated call: who (the key id), path parameters, query parameters, the body (NullNode when none). */
    public record Call(String keyId, Map<String, String> path, Map<String, String> query, JsonNode body) {
    }

    private final ApiKeys keys;
    private final List<Route> routes;
    private final MeterRegistry registry;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public ApiServer(ApiKeys keys, List<Route> routes, MeterRegistry registry) {
        this.keys = keys;
        this.routes = List.copyOf(routes);
        this.registry = registry;
    }

    /** The handler when no {@code --api-key-file} is given: every call gets 404 saying the API is off. */
    public static HttpHandler off() {
        return ex -> answer(ex, 404, error("api_off",
                "the server API is off; start the server with --api-key-file FILE to turn it on"));
    }

    /** The routes, as the OpenAPI document must list them. */
    public List<Route> routes() {
        return routes;
    }

    /** From now on every call answers 503: the server is shutting down. */
    public void markShuttingDown() {
        shuttingDown = true;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String outcome = "error";
        try {
            Reply reply = dispatch(ex);
            outcome = "ok";
            answer(ex, reply.status(), reply.body());
        } catch (ApiException e) {
            outcome = e.error();
            answer(ex, e.status(), error(e.error(), e.getMessage()));
        } catch (IOException e) {
            outcome = "io";
            throw e;
        } catch (Exception e) {
            outcome = "internal";
            log.warn("API call {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            answer(ex, 500, error("internal", "the call failed: " + e));
        } finally {
            outcomes.computeIfAbsent(outcome, o -> Counter.builder("parley.api.requests")
                    .description("Server API calls by outcome (ok, or the error code)")
                    .tag("outcome", o).register(registry)).increment();
            ex.close();
        }
    }

    private Reply dispatch(HttpExchange ex) throws Exception {
        String keyId = keys.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        if (keyId == null) {
            refusedLog.warn("API call {} {} from {} refused: missing or unknown key", ex.getRequestMethod(),
                    ex.getRequestURI().getPath(), ex.getRemoteAddress().getAddress().getHostAddress());
            ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized",
                    "send a key of --api-key-file as 'Authorization: Bearer KEY'");
        }
        if (shuttingDown) {
            throw ApiException.busy("the server is shutting down");
        }
        List<String> given = List.of(ex.getRequestURI().getPath().substring(1).split("/"));
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), given);
            if (params == null) {
                continue;
            }
            if (!r.method().equals(ex.getRequestMethod())) {
                allowed.add(r.method());
                continue;
            }
            return r.handler().handle(new Call(keyId, params, query(ex.getRequestURI().getRawQuery()), body(ex)));
        }
        if (!allowed.isEmpty()) {
            ex.getResponseHeaders().add("Allow", String.join(", ", allowed));
            throw new ApiException(405, "method_not_allowed", ex.getRequestMethod() + " is not allowed here; use "
                    + String.join(" or ", allowed));
        }
        throw ApiException.notFound("no such endpoint: " + ex.getRequestURI().getPath() + " (see docs/api.md)");
    }

    /** The path parameters when {@code given} matches {@code pattern}, else null. */
    private static Map<String, String> match(List<String> pattern, List<String> given) {
        if (pattern.size() != given.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), given.get(i));
            } else if (!p.equals(given.get(i))) {
                return null;
            }
        }
        return params;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The JSON body, at most {@link #MAX_BODY_BYTES}; NullNode when there is none. */
    private static JsonNode body(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number");
            }
            if (declared > MAX_BODY_BYTES) {
                throw tooLarge(ex);
            }
        }
        byte[] bytes = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge(ex);
        }
        if (bytes.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * 413. Up to {@link #DRAIN_BYTES} of the body are read and dropped first: closing a socket
     * with unread input resets it, and the client would see the reset instead of the answer.
     */
    private static ApiException tooLarge(HttpExchange ex) throws IOException {
        // read, not skip: the JDK server's body stream passes skip() to the socket, past the body's end
        byte[] sink = new byte[8192];
        InputStream in = ex.getRequestBody();
        for (long left = DRAIN_BYTES; left > 0; ) {
            int n = in.read(sink, 0, (int) Math.min(sink.length, left));
            if (n < 0) {
                break;
            }
            left -= n;
        }
        ex.getResponseHeaders().set("Connection", "close");
        return new ApiException(413, "too_large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }

    static Map<String, Object> error(String error, String reason) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", error);
        doc.put("reason", reason);
        return doc;
    }

    private static void answer(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        ex.close();
    }

    /** The routes' method and pattern, e.g. "GET /api/v1/rooms", for logs and the OpenAPI check. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Route r : routes) {
            out.add(r.method() + " " + r.pattern());
        }
        return out;
    }
}
