package dev.parley.loadgen;

import dev.parley.client.TlsOptions;
import dev.parley.socket.Transport;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a load run does. Defaults are the original C++ server's load test: 500 clients in 10
 * rooms, 10 messages a second each, 80 % 64 B / 18 % 256 B / 2 % 1-2 KiB.
 */
public final class LoadgenConfig {
    public static final String DEFAULT_MIX = "64:80,256:18,1024-2048:2";
    /**
     * Longer than the server JIT's warm-up: C2 keeps a core half busy for about 25 s after start
     * (docs/PERFORMANCE.md), and a shorter warmup measures the compiler, not the server.
     */
    public static final String DEFAULT_WARMUP = "30s";

    public String host = "127.0.0.1";
    public int port = 7777;
    /**
     * Several servers (cluster nodes) to spread the clients over by {@link #nodeSplit}; empty =
     * {@link #host}:{@link #port} alone. Rooms are created where their first member connects.
     */
    public List<ServerAddress> servers = new ArrayList<>();
    public NodeSplit nodeSplit = NodeSplit.MEMBERS;
    /** Each server's admin base URL, in {@link #servers} order, for per-node CPU and deliveries; may be empty. */
    public List<java.net.URI> adminUrls = new ArrayList<>();
    /** Each server's pid on this machine, in {@link #servers} order, for its Redis traffic (and CPU without admin URLs). */
    public List<Long> nodePids = new ArrayList<>();
    /** The cluster's Redis, whose CPU and traffic are sampled around the measured window; null = not sampled. */
    public String redisUri;
    /**
     * How long a join retries ROOM_NOT_FOUND: a room created on another node is joinable once
     * the cluster lists it, shortly after its creation.
     */
    public Duration roomListedTimeout = Duration.ofSeconds(10);
    public int clients = 500;
    public int rooms = 10;
    /** Messages per second per client. */
    public double rps = 10;
    public PayloadMix payloadMix = PayloadMix.parse(DEFAULT_MIX);
    public Duration duration = Duration.ofSeconds(60);
    public Duration warmup = Durations.parse(DEFAULT_WARMUP);
    /** How long to wait after the last send for outstanding deliveries before calling them lost. */
    public Duration drain = Duration.ofSeconds(5);
    /** Limit for each setup step (connect, login, create, join). */
    public Duration setupTimeout = Duration.ofSeconds(120);
    /** Empty = let the kernel choose. */
    public List<InetAddress> sourceAddresses = new ArrayList<>();
    public String password = "loadgen";
    /** Part of every player and room name, so runs do not collide. */
    public String runId = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    /** Client event loop threads; 0 = one per core. */
    public int threads;
    /** How the measured clients reach the server; {@link #port} is that protocol's port. */
    public WireProtocol protocol = WireProtocol.TCP;
    /** null = epoll if available, else NIO. */
    public Transport transport;
    /** Hostile extras beside the measured clients: connections that chat as fast as the socket takes it. */
    public int flooders;
    /** Whether the flooders read what the server sends them. */
    public boolean flooderReads = true;
    /** Hostile extras: connections that never log in (half of them send half a frame header). */
    public int silentConnections;
    /** TLS for every connection (measured and hostile), or plain TCP. */
    public TlsOptions tls = TlsOptions.OFF;
    public Path report;
    public Path chart;

    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public Transport effectiveTransport() {
        if (transport != null) {
            return Transport.pick(transport);
        }
        return Transport.EPOLL.isAvailable() ? Transport.EPOLL : Transport.NIO;
    }

    /** The servers the clients connect to: {@link #servers}, or {@link #host}:{@link #port} alone. */
    public List<ServerAddress> targets() {
        return servers.isEmpty() ? List.of(new ServerAddress(host, port)) : List.copyOf(servers);
    }

    /** The server of {@code client} by {@link #nodeSplit}. */
    public ServerAddress serverFor(RoomLayout layout, int client) {
        List<ServerAddress> t = targets();
        return t.get(nodeSplit.node(layout, client, t.size()));
    }

    public String playerName(int client) {
        return "lg-" + runId + "-" + client;
    }

    public String flooderName(int flooder) {
        return "lg-" + runId + "-f" + flooder;
    }

    public boolean hasHostile() {
        return flooders > 0 || silentConnections > 0;
    }

    public String roomName(int room) {
        return "lg-" + runId + "-room-" + room;
    }

    public void validate() {
        require(port >= 1 && port <= 65535, "--port must be within 1..65535");
        require(clients >= 1 && clients <= MsgIds.MAX_SENDER + 1, "--clients must be within 1.." + (MsgIds.MAX_SENDER + 1));
        require(rooms >= 1 && rooms <= clients, "--rooms must be within 1..clients (" + clients + ")");
        require(rps > 0 && rps <= 100_000, "--rps must be within (0, 100000]");
        require(!duration.isNegative() && duration.toMillis() >= 1000, "--duration must be at least 1s");
        require(!warmup.isNegative(), "--warmup must not be negative");
        Durations.wholeSeconds(duration, "--duration");
        Durations.wholeSeconds(warmup, "--warmup");
        require(!drain.isNegative(), "--drain must not be negative");
        require(setupTimeout.toMillis() >= 1000, "--setup-timeout must be at least 1s");
        require(threads >= 0, "--threads must be 0 (one per core) or positive");
        require(runId.matches("[A-Za-z0-9_]{1,12}"), "--run-id must be 1-12 letters, digits or _");
        require(!password.isEmpty(), "--password must not be empty");
        require(flooders >= 0 && flooders <= 10_000, "--flooders must be within 0..10000");
        require(silentConnections >= 0 && silentConnections <= 1_000_000, "--silent-connections must be within 0..1000000");
        int nodes = targets().size();
        require(adminUrls.isEmpty() || adminUrls.size() == nodes,
                "--admin-urls needs one URL per server (" + nodes + "), not " + adminUrls.size());
        require(nodePids.isEmpty() || nodePids.size() == nodes,
                "--node-pids needs one pid per server (" + nodes + "), not " + nodePids.size());
        require(!roomListedTimeout.isNegative(), "the room listing wait must not be negative");
        require(protocol == WireProtocol.TCP || !hasHostile(),
                "--flooders and --silent-connections speak TCP: use them with --protocol tcp");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
