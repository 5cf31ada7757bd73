package dev.parley.metrics;

import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.pb.Result;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The server's meters, all named {@code parley.*}. Meters are created once here and the hot
 * path only calls {@link Counter#increment()} on a field or a type-indexed array: no lookup,
 * lock or allocation per message.
 */
public final class ServerMetrics {

    /**
     * Bucket bounds (ns) of every latency histogram on /metrics ({@code *_seconds_bucket}), 100 µs
     * to 10 s: few enough to keep the scrape small, fine enough for p50/p99 in a dashboard.
     */
    private static final double[] LATENCY_BUCKETS_NANOS = {
            100e3, 250e3, 500e3, 1e6, 2.5e6, 5e6, 10e6, 25e6, 50e6, 100e6, 250e6, 500e6, 1e9, 2.5e9, 5e9, 10e9};

    /**
     * Publishes every timer named {@code parley.*.latency} (also the chat log's, which is
     * registered elsewhere) as a Prometheus histogram with {@link #LATENCY_BUCKETS_NANOS}.
     */
    private static final MeterFilter LATENCY_HISTOGRAMS = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith("parley.")
                    || !id.getName().endsWith(".latency")) {
                return config;
            }
            return DistributionStatisticConfig.builder()
                    .serviceLevelObjectives(LATENCY_BUCKETS_NANOS)
                    .minimumExpectedValue(LATENCY_BUCKETS_NANOS[0])
                    .maximumExpectedValue(LATENCY_BUCKETS_NANOS[LATENCY_BUCKETS_NANOS.length - 1])
                    .build().merge(config);
        }
    };

    private final MeterRegistry registry;
    private final Counter[] requestsByType;
    private final Counter deliveries;
    private final Counter notifies;
    private final Counter bytesOut;
    private final Counter bytesIn;
    private final Counter socketReads;
    private final Counter flushes;
    private final Timer handlingLatency;
    private final Timer loginLatency;
    /** Connections closed by a policy, by reason; built once, so counting is a map read. */
    private final Map<String, Counter> policyDisconnects;
    private final Map<String, Counter> connectionsRefused;
    private final Counter acceptErrors;
    /** Interval percentiles for the stats line; wait-free for recorders. */
    private final Recorder handlingRecorder = new Recorder(3);
    private final Counter protocolViolations;
    private final Counter rateLimited;
    private final Counter slowReaderDisconnects;
    private final Counter loginsOk;
    private final Counter loginsFailed;
    private final Counter chatMessages;
    private final Counter chatResends;
    /** Cluster room messages by how this node got them (see {@link #clusterMessages}). */
    private final Counter clusterReceived;
    private final Counter clusterFilled;
    private final Counter clusterSkipped;
    private final Counter clusterRefused;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger rooms = new AtomicInteger();
    /** Logins refused by a policy, by its tag (see {@link #loginRefused}). */
    private final Map<String, Counter> loginRefusals;
    private final Counter breakerRejections;
    /** Direct messages stored, by what happened to them (see {@link #directMessage}). */
    private final Map<String, Counter> directMessages;
    /** Direct-message requests refused, by reason (see {@link #directRefused}). */
    private final Map<String, Counter> directRefusals;
    /** Edits and deletes by kind and result (see {@link #messageChange}); other results are registered when first seen. */
    private final Map<String, Counter> messageChanges = new ConcurrentHashMap<>();
    /** Moderation actions by action, source and result (see {@link #moderationAction}); other results registered when first seen. */
    private final Map<String, Counter> moderationActions = new ConcurrentHashMap<>();

    /** The moderation actions {@link #moderationAction} counts. */
    public static final String[] MODERATION_ACTIONS = {"kick", "mute", "unmute", "ban", "unban", "delete"};
    /** Where a moderation action came from: a player's request, or the server API. */
    public static final String SOURCE_PROTOCOL = "protocol";
    public static final String SOURCE_API = "api";

    /** Create this before any other meter of {@code registry}: it installs the latency histograms' filter. */
    public ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.config().meterFilter(LATENCY_HISTOGRAMS);
        requestsByType = new Counter[MessageCatalog.maxType() + 1];
        for (int t = 1; t <= MessageCatalog.maxType(); t++) {
            MessageCatalog.Kind kind = MessageCatalog.byType(t);
            if (kind != null && kind.sentByClient()) {
                requestsByType[t] = Counter.builder("parley.requests")
                        .description("Requests decoded from clients")
                        .tag("type", kind.msgType().name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry);
            }
        }
        deliveries = Counter.builder("parley.deliveries")
                .description("Notifies (chat and membership notices) written to clients")
                .register(registry);
        notifies = Counter.builder("parley.notifies")
                .description("Notify messages produced (one per broadcast, before fan-out)").register(registry);
        bytesOut = Counter.builder("parley.sent").baseUnit("bytes")
                .description("Bytes of notifies written to clients").register(registry);
        bytesIn = Counter.builder("parley.received").baseUnit("bytes")
                .description("Bytes read from client sockets").register(registry);
        socketReads = Counter.builder("parley.socket.reads")
                .description("Reads from client sockets").register(registry);
        flushes = Counter.builder("parley.socket.flushes")
                .description("Channel flushes of fan-out writes (each one write or writev)").register(registry);
        handlingLatency = Timer.builder("parley.handling.latency")
                .description("From decoding a chat request to writing it to the last recipient").register(registry);
        loginLatency = Timer.builder("parley.login.latency")
                .description("From a login request to its outcome (credentials checked, or refused)").register(registry);
        protocolViolations = Counter.builder("parley.protocol.violations")
                .description("Connections closed for a malformed frame").register(registry);
        rateLimited = Counter.builder("parley.rate.limited")
                .description("Requests refused with RATE_LIMITED").register(registry);
        slowReaderDisconnects = Counter.builder("parley.slow.reader.disconnects")
                .description("Connections closed because they did not read fast enough").register(registry);
        loginsOk = Counter.builder("parley.logins").tag("result", "ok").register(registry);
        loginsFailed = Counter.builder("parley.logins").tag("result", "failed").register(registry);
        chatMessages = Counter.builder("parley.chat.messages")
                .description("Chat messages accepted by rooms").register(registry);
        clusterReceived = clusterCounter(registry, "received",
                "Room messages this node received on the rooms' channels (its own included)");
        clusterFilled = clusterCounter(registry, "filled",
                "Room messages this node missed on the channel and read from the room's log or the database");
        clusterSkipped = clusterCounter(registry, "skipped",
                "Seqs passed over because no node has them (numbering skipped them after Redis lost its data)");
        clusterRefused = clusterCounter(registry, "refused",
                "Messages the cluster could not number (Redis unreachable, or this node lost its lease): refused with SERVER_BUSY");
        chatResends = Counter.builder("parley.chat.resends")
                .description("Chat requests that repeated a client_msg_id within --dedup-window: answered, not said again")
                .register(registry);
        Gauge.builder("parley.connections", connections, AtomicInteger::get)
                .description("Open client connections").register(registry);
        Gauge.builder("parley.rooms", rooms, AtomicInteger::get)
                .description("Rooms that exist").register(registry);
        // the policy counters exist from the start, so dashboards and alerts see zeros, not gaps
        Map<String, Counter> disconnects = new HashMap<>();
        for (String reason : new String[]{"backlog", "flood", "login_timeout", "idle_timeout", "replaced"}) {
            disconnects.put(reason, Counter.builder("parley.policy.disconnects").tag("reason", reason)
                    .description("Connections closed by a policy, by reason").register(registry));
        }
        policyDisconnects = Map.copyOf(disconnects);
        Map<String, Counter> refused = new HashMap<>();
        for (String limit : new String[]{"max_connections", "per_address", REFUSED_WS_ORIGIN, REFUSED_WS_SUBPROTOCOL}) {
            refused.put(limit, Counter.builder("parley.connections.refused").tag("reason", limit)
                    .description("New connections refused at a connection limit, or WebSocket upgrades refused")
                    .register(registry));
        }
        connectionsRefused = Map.copyOf(refused);
        acceptErrors = Counter.builder("parley.accept.errors").tag("reason", "io")
                .description("Connections the listener failed to accept (e.g. out of file descriptors)").register(registry);
        Map<String, Counter> refusals = new HashMap<>();
        for (String reason : new String[]{"name", "address", "in_flight"}) {
            refusals.put(reason, Counter.builder("parley.logins.throttled").tag("reason", reason)
                    .description("Logins refused with RATE_LIMITED before any password hashing").register(registry));
        }
        refusals.put("registrations", Counter.builder("parley.registrations.refused")
                .description("New accounts refused: too many from one address within an hour").register(registry));
        for (String reason : new String[]{"hash_queue", "database"}) {
            refusals.put(reason, Counter.builder("parley.logins.busy").tag("reason", reason)
                    .description("Logins answered SERVER_BUSY at once: hashing queue full, or database unreachable")
                    .register(registry));
        }
        // the tags of account.TokenRejectedException.Kind (metrics may not see account)
        for (String reason : new String[]{"token_malformed", "token_signature", "token_expired", "token_claims",
                "token_name"}) {
            refusals.put(reason, Counter.builder("parley.logins.token.refused").tag("reason", reason)
                    .description("Token logins refused: malformed, bad signature or key id, expired, wrong claims,"
                            + " or a name that breaks the rules or is taken").register(registry));
        }
        loginRefusals = Map.copyOf(refusals);
        Map<String, Counter> direct = new HashMap<>();
        for (String outcome : new String[]{"delivered", "offline", "withheld"}) {
            direct.put(outcome, Counter.builder("parley.direct.messages").tag("outcome", outcome)
                    .description("Direct messages stored: delivered live, kept for an offline recipient, or withheld"
                            + " from a recipient who blocks the sender").register(registry));
        }
        directMessages = Map.copyOf(direct);
        Map<String, Counter> directRefused = new HashMap<>();
        for (String reason : new String[]{"invalid", "not_found", "busy"}) {
            directRefused.put(reason, Counter.builder("parley.direct.refused").tag("reason", reason)
                    .description("Direct messages, blocks and direct history reads refused: bad input, unknown"
                            + " player, or queue full or database unreachable").register(registry));
        }
        directRefusals = Map.copyOf(directRefused);
        for (String kind : new String[]{"edit", "delete"}) {
            for (Result r : new Result[]{Result.OK, Result.NOT_ALLOWED, Result.MESSAGE_NOT_FOUND, Result.EDIT_WINDOW_PASSED,
                    Result.INVALID_REQUEST}) {
                messageChange(kind, r, 0);
            }
        }
        for (String action : MODERATION_ACTIONS) {
            for (String source : new String[]{SOURCE_PROTOCOL, SOURCE_API}) {
                for (Result r : new Result[]{Result.OK, Result.NOT_ALLOWED}) {
                    moderationAction(action, source, r, 0);
                }
            }
        }
        breakerRejections = Counter.builder("parley.db.breaker.rejections")
                .description("Database calls (logins, history reads, readiness checks) refused by the open breaker")
                .register(registry);
    }

    /**
     * Reports the database breaker's state as the gauge {@code parley.db.breaker.state}
     * (0 closed, 1 open, 2 half-open).
     */
    public void databaseBreaker(IntSupplier state) {
        Gauge.builder("parley.db.breaker.state", state, s -> s.getAsInt())
                .strongReference(true) // the supplier is referenced by nothing else
                .description("Database breaker of the login and history paths: 0 closed, 1 open, 2 half-open")
                .register(registry);
    }

    /** The database breaker refused a call. Any thread. */
    public void databaseBreakerRejected() {
        breakerRejections.increment();
    }

    /**
     * A login refused by a policy: {@code name}, {@code address}, {@code in_flight} (throttled),
     * {@code registrations}, {@code hash_queue} or {@code database} (busy), {@code token_*} (a bad token).
     */
    public void loginRefused(String reason) {
        Counter c = loginRefusals.get(reason);
        if (c != null) {
            c.increment();
        }
    }

    /** A direct message stored: {@code delivered}, {@code offline} or {@code withheld}. Any thread. */
    public void directMessage(String outcome) {
        directMessages.get(outcome).increment();
    }

    /** A direct-message request (message, block, unblock, history) refused: {@code invalid}, {@code not_found} or {@code busy}. Any thread. */
    public void directRefused(String reason) {
        directRefusals.get(reason).increment();
    }

    /**
     * An edit or delete of a message ({@code kind} "edit" or "delete") was answered with
     * {@code result}: {@code parley.chat.changes{kind, result}}.
     */
    public void messageChange(String kind, Result result) {
        messageChange(kind, result, 1);
    }

    private void messageChange(String kind, Result result, int n) {
        String tag = result.name().toLowerCase(Locale.ROOT);
        messageChanges.computeIfAbsent(kind + "/" + tag, k -> Counter.builder("parley.chat.changes")
                .tag("kind", kind).tag("result", tag)
                .description("Message edits and deletes (players and the server API), by result").register(registry))
                .increment(n);
    }

    /**
     * A moderation action ({@link #MODERATION_ACTIONS}; {@code delete} is a delete of another
     * player's message) from {@code source} ({@link #SOURCE_PROTOCOL} or {@link #SOURCE_API})
     * was answered with {@code result}: {@code parley.moderation.actions{action, source, result}}.
     * Any thread.
     */
    public void moderationAction(String action, String source, Result result) {
        moderationAction(action, source, result, 1);
    }

    private void moderationAction(String action, String source, Result result, int n) {
        String tag = result.name().toLowerCase(Locale.ROOT);
        moderationActions.computeIfAbsent(action + "/" + source + "/" + tag, k -> Counter.builder("parley.moderation.actions")
                .tag("action", action).tag("source", source).tag("result", tag)
                .description("Moderation actions (kick, mute, unmute, ban, unban, delete of another's message) by"
                        + " source (protocol, api) and result").register(registry))
                .increment(n);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Running totals of the meters the stats line reports, read straight from the meters this
     * class owns; the stats line takes differences of two of these.
     */
    public record Totals(double requests, double notifies, double deliveries, double reads, double flushes,
                         double bytesIn, double bytesOut, double logins, int connections) {

        /** {@code this - earlier} for every counter; connections (a gauge) as of now. */
        public Totals minus(Totals earlier) {
            return new Totals(requests - earlier.requests, notifies - earlier.notifies,
                    deliveries - earlier.deliveries, reads - earlier.reads, flushes - earlier.flushes,
                    bytesIn - earlier.bytesIn, bytesOut - earlier.bytesOut, logins - earlier.logins, connections);
        }
    }

    /** The totals so far; any thread (the counts are read without a lock, each one consistent). */
    public Totals totals() {
        double requests = 0;
        for (Counter c : requestsByType) {
            if (c != null) {
                requests += c.count();
            }
        }
        return new Totals(requests, notifies.count(), deliveries.count(), socketReads.count(), flushes.count(),
                bytesIn.count(), bytesOut.count(), loginsOk.count(), connections.get());
    }

    public void request(int type) {
        Counter c = requestsByType[type];
        if (c != null) {
            c.increment();
        }
    }

    /** A fan-out group finished: {@code count} deliveries of {@code bytes} in all. */
    public void delivered(int count, long bytes) {
        if (count > 0) {
            deliveries.increment(count);
            bytesOut.increment(bytes);
        }
    }

    public void notifyBroadcast() {
        notifies.increment();
    }

    public void socketRead(int bytes) {
        socketReads.increment();
        bytesIn.increment(bytes);
    }

    public void flushes(int channels) {
        flushes.increment(channels);
    }

    public void handlingLatency(long nanos) {
        handlingLatency.record(nanos, TimeUnit.NANOSECONDS);
        handlingRecorder.recordValue(Math.max(0, nanos / 1000)); // microseconds
    }

    /** A login request got its outcome {@code nanos} after it arrived. */
    public void loginLatency(long nanos) {
        loginLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The handling latencies (µs) since the previous call; for the periodic stats line. */
    public Histogram takeHandlingInterval(Histogram recycle) {
        return handlingRecorder.getIntervalHistogram(recycle);
    }

    public void protocolViolation() {
        protocolViolations.increment();
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    public void slowReaderDisconnect() {
        slowReaderDisconnects.increment();
    }

    public void login(boolean ok) {
        (ok ? loginsOk : loginsFailed).increment();
    }

    public void chatMessage() {
        chatMessages.increment();
    }

    private static Counter clusterCounter(MeterRegistry registry, String how, String description) {
        return Counter.builder("parley.cluster.messages").tag("how", how).description(description).register(registry);
    }

    /** Cluster: a room message was received in order (live), filled, skipped as a hole, or refused numbering. */
    public void clusterMessages(String how, long n) {
        switch (how) {
            case "received" -> clusterReceived.increment(n);
            case "filled" -> clusterFilled.increment(n);
            case "skipped" -> clusterSkipped.increment(n);
            case "refused" -> clusterRefused.increment(n);
            default -> throw new IllegalArgumentException(how);
        }
    }

    /** A chat request was a resend of a message the room has (see --dedup-window). */
    public void chatResend() {
        chatResends.increment();
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void roomCreated() {
        rooms.incrementAndGet();
    }

    public void roomRemoved() {
        rooms.decrementAndGet();
    }

    // --- connection policies (docs/RELIABILITY.md) ---

    /** A connection closed because it held more unsent bytes than max-pending-bytes. */
    public void backlogDisconnect() {
        policyDisconnects.get("backlog").increment();
    }

    /** A connection closed because it stayed over its rate for the abuse grace. */
    public void abuseDisconnect() {
        policyDisconnects.get("flood").increment();
    }

    /** A connection closed for missing a deadline: {@code login} or {@code idle}. */
    public void timedOut(String deadline) {
        policyDisconnects.get(deadline + "_timeout").increment();
    }

    /** A newer login of the same player took over a session. */
    public void sessionReplaced() {
        policyDisconnects.get("replaced").increment();
    }

    /** A WebSocket upgrade refused: its {@code Origin} is not allowed (HTTP 403). */
    public static final String REFUSED_WS_ORIGIN = "ws_origin";
    /** A WebSocket upgrade refused: it offers no Parley subprotocol (HTTP 400). */
    public static final String REFUSED_WS_SUBPROTOCOL = "ws_subprotocol";

    /**
     * A new connection refused at a limit ({@code max_connections}, {@code per_address}), or a
     * WebSocket upgrade refused ({@link #REFUSED_WS_ORIGIN}, {@link #REFUSED_WS_SUBPROTOCOL}).
     */
    public void connectionRefused(String limit) {
        connectionsRefused.get(limit).increment();
    }

    /** The listener failed to accept a connection (e.g. out of file descriptors). */
    public void acceptError() {
        acceptErrors.increment();
    }
}
