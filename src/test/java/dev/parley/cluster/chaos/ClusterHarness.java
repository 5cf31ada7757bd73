package dev.parley.cluster.chaos;

import dev.parley.launch.ServerProcess;
import dev.parley.testing.PostgresTestDatabase;
import dev.parley.testing.RedisServer;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A Parley cluster for the chaos suite: one fresh PostgreSQL database, one real
 * {@code redis-server} ({@link RedisServer}) and N node processes ({@code parley server --cluster-redis ... --node-id nK}),
 * each on free loopback ports chosen once (so a restarted node comes back at the same address),
 * each with a data directory and a log file under {@code target/chaos/<run>/}. Injects the
 * failures: {@link #kill} (SIGKILL), {@link #pause}/{@link #resume} (SIGSTOP/SIGCONT),
 * {@link #restart} of a killed node, {@link #restartRedis} (empty). {@link #close} stops
 * everything with bounded waits. Driven by the test's thread; {@link #reachable()} may be read by
 * any thread (the clients pick nodes from it).
 */
final class ClusterHarness implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param nodes     how many nodes
     * @param rooms     permanent rooms every node declares (--permanent-rooms): fixed ids, readable by anyone
     * @param extraArgs more {@code parley server} options for every node
     */
    record Settings(String run, int nodes, List<String> rooms, List<String> extraArgs) {
        Settings {
            rooms = List.copyOf(rooms);
            extraArgs = List.copyOf(extraArgs);
        }
    }

    /** One node: its fixed address and, while it runs, its process. */
    static final class Node {
        final String id;
        final int port;
        final int adminPort;
        final Path dataDir;
        final Path log;
        private final ServerProcess.Options options;
        private volatile ServerProcess process;
        private volatile boolean paused;

        private Node(String id, int port, int adminPort, Path dataDir, Path log, ServerProcess.Options options) {
            this.id = id;
            this.port = port;
            this.adminPort = adminPort;
            this.dataDir = dataDir;
            this.log = log;
            this.options = options;
        }

        /** Running and not paused: a client connecting now would be served. */
        boolean reachable() {
            ServerProcess p = process;
            return p != null && p.isAlive() && !paused;
        }

        long pid() {
            return process.pid();
        }

        @Override
        public String toString() {
            return id + " (port " + port + ")";
        }
    }

    private final Settings settings;
    private final Path dir;
    private final PostgresTestDatabase db;
    private final RedisServer redis;
    private final List<Node> nodes = new ArrayList<>();

    private ClusterHarness(Settings settings, Path dir, PostgresTestDatabase db, RedisServer redis) {
        this.settings = settings;
        this.dir = dir;
        this.db = db;
        this.redis = redis;
    }

    /**
     * Starts Redis, the database and the nodes: the first alone (it migrates the fresh database and
     * creates the permanent rooms), then the others together. Returns once every node's
     * {@code /health/ready} answers 200; on any failure everything started is stopped again.
     */
    static ClusterHarness start(Settings settings) throws Exception {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path dir = Path.of("target", "chaos", settings.run() + "-" + stamp).toAbsolutePath();
        Files.createDirectories(dir);
        PostgresTestDatabase db = PostgresTestDatabase.create();
        RedisServer redis;
        try {
            redis = RedisServer.start();
        } catch (TestAbortedException noBinary) {
            db.close();
            // the shared RedisServer skips a test without redis-server; the chaos suite must not pass that way
            throw new AssertionError("the chaos suite needs a real Redis: " + noBinary.getMessage()
                    + " (.ci/run installs Debian's redis-server)", noBinary);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        ClusterHarness h = new ClusterHarness(settings, dir, db, redis);
        try {
            for (int i = 1; i <= settings.nodes(); i++) {
                h.nodes.add(h.newNode("n" + i));
            }
            h.launch(h.nodes.get(0));
            ExecutorService starters = Executors.newFixedThreadPool(Math.max(1, settings.nodes() - 1));
            try {
                List<Future<?>> started = new ArrayList<>();
                for (Node n : h.nodes.subList(1, h.nodes.size())) {
                    started.add(starters.submit(() -> {
                        h.launch(n);
                        return null;
                    }));
                }
                for (Future<?> f : started) {
                    f.get();
                }
            } finally {
                starters.shutdownNow();
            }
            return h;
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
    }

    private Node newNode(String id) throws IOException {
        int port = freePort();
        int adminPort = freePort();
        Path data = dir.resolve(id + "-data");
        Files.createDirectories(data);
        List<String> args = new ArrayList<>(List.of(
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--ws-port", "-1",
                "--admin-port", Integer.toString(adminPort), "--data-dir", data.toString(),
                "--cluster-redis", redis.uri(), "--node-id", id,
                "--db-url", db.url(), "--db-user", PostgresTestDatabase.USER,
                "--io-threads", "1", "--blocking-threads", "2", "--db-pool-size", "4",
                "--password-iterations", "1000", "--drain", "0", "--stats-interval", "0",
                // every player comes from 127.0.0.1, and a dead node's players all log in elsewhere at once
                "--logins-in-flight-per-address", "0", "--registrations-per-address-per-hour", "0"));
        if (!settings.rooms().isEmpty()) {
            args.addAll(List.of("--permanent-rooms", String.join(",", settings.rooms())));
        }
        args.addAll(settings.extraArgs());
        // small, quick-starting JVMs: three of them share two cores with the test and the databases
        ServerProcess.Options options = ServerProcess.Options.of(args, dir.resolve(id + ".log"))
                .withJvmArgs(List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        // the server's own logging, not the test classpath's logback-test.xml (WARN only)
                        "-Dlogback.configurationFile=logback.xml"))
                .withStartTimeout(READY_TIMEOUT);
        return new Node(id, port, adminPort, data, options.log(), options);
    }

    private void launch(Node n) throws IOException, InterruptedException {
        note(n, "starting " + n.id + ": " + String.join(" ", n.options.serverArgs()));
        n.process = ServerProcess.start(n.options);
        n.paused = false;
        awaitReady(n);
    }

    private void awaitReady(Node n) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + n.adminPort + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100); // polling for the node to come up
        }
        throw new IllegalStateException(n + " was not ready within " + READY_TIMEOUT.toSeconds() + " s (/health/ready: "
                + last + "); its log " + n.log + ":\n" + tail(n.log, 30));
    }

    Path dir() {
        return dir;
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /** The nodes a client could be served by now: running and not paused. */
    List<Node> reachable() {
        return nodes.stream().filter(Node::reachable).toList();
    }

    String redisUri() {
        return redis.uri();
    }

    /** SIGKILL: no shutdown, no flush, its sockets reset. Returns once the process is gone. */
    void kill(Node n) throws InterruptedException {
        note(n, "=== chaos: kill -9 " + n.id);
        n.process.kill();
        n.paused = false;
    }

    /** SIGSTOP: the process freezes with its sockets open; Redis and the clients see silence. */
    void pause(Node n) throws IOException, InterruptedException {
        note(n, "=== chaos: kill -STOP " + n.id);
        signal("STOP", n.pid());
        n.paused = true;
    }

    /** SIGCONT after {@link #pause}. */
    void resume(Node n) throws IOException, InterruptedException {
        signal("CONT", n.pid());
        n.paused = false;
        note(n, "=== chaos: kill -CONT " + n.id);
    }

    /** Starts a killed node again on its ports and data directory; returns once it is ready. */
    void restart(Node n) throws IOException, InterruptedException {
        if (n.process != null && n.process.isAlive()) {
            throw new IllegalStateException(n + " is still running");
        }
        launch(n);
    }

    /** Redis killed and started again on its port with no data (no persistence). */
    void restartRedis() {
        for (Node n : nodes) {
            note(n, "=== chaos: redis restarted empty");
        }
        redis.restart();
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out);
        }
    }

    /** A line in the node's log, so a failure's log shows where each injected fault fell. */
    private static void note(Node n, String line) {
        try {
            Files.writeString(n.log, Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the note is a convenience; the run goes on without it
        }
    }

    /** Where the logs are and each node's last lines: for failure messages. */
    String diagnostics(int lines) {
        StringBuilder b = new StringBuilder("logs in ").append(dir).append('\n');
        for (Node n : nodes) {
            b.append("--- ").append(n.id).append(" (").append(n.log.getFileName()).append("), last ").append(lines)
                    .append(" lines:\n").append(tail(n.log, lines)).append('\n');
        }
        return b.toString();
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops everything, each wait bounded: paused nodes are continued, the nodes get SIGTERM
     * together (SIGKILL after {@link #STOP_TIMEOUT}), then Redis, then the database is dropped.
     */
    @Override
    public void close() {
        List<Thread> stoppers = new ArrayList<>();
        for (Node n : nodes) {
            ServerProcess p = n.process;
            if (p == null || !p.isAlive()) {
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    if (n.paused) {
                        resume(n);
                    }
                    p.terminate(STOP_TIMEOUT);
                } catch (Exception e) {
                    p.close(); // terminate killed it already, or the signal failed: make sure it is gone
                }
            }, "chaos-stop-" + n.id);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(STOP_TIMEOUT.toMillis() + 20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        redis.close();
        db.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
