package dev.parley.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} of a test's own: on a free loopback port, without persistence
 * ({@code --save "" --appendonly no}), in a temporary directory; started by {@link #start()},
 * which returns once it answers PING. {@link #restart()} kills it ({@code SIGKILL}) and starts it
 * again on the same port with no data, as a crashed Redis comes back; {@link #stop()} takes it
 * away until the next restart. When no {@code redis-server} binary is installed the test is
 * skipped (an assumption), saying so; any other failure to start fails the test.
 *
 * <p>The binary is {@code $PARLEY_REDIS_SERVER}, else {@code redis-server} on the PATH, else
 * {@code /usr/bin/redis-server} or {@code /usr/local/bin/redis-server}. Its output goes to
 * {@code redis.log} in its directory (quoted in the error when it does not start). Not thread-safe:
 * one test drives it.
 */
public final class RedisServer implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 10_000;

    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** Starts one on a free port; skips the calling test when redis-server is not installed. */
    public static RedisServer start() {
        Path binary = binary();
        Assumptions.assumeTrue(binary != null, "redis-server is not installed (looked for $PARLEY_REDIS_SERVER, "
                + "redis-server on the PATH, /usr/bin and /usr/local/bin): skipping this test, which needs a real Redis");
        Path dir;
        try {
            dir = Files.createTempDirectory("parley-redis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The free port may be taken between finding it and Redis binding it: try a few.
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            RedisServer server = new RedisServer(binary, dir, freePort());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e;
                server.stop();
            }
        }
        deleteTree(dir);
        throw last;
    }

    /** {@code redis://127.0.0.1:<port>}, for {@code --cluster-redis} and RedisLink. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The process id of the running server (for signals such as SIGSTOP), or -1 when stopped. */
    public long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Whether the server process is running. */
    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Kills the server (SIGKILL) if it runs and starts it again, empty, on the same port; returns once it answers PING. */
    public void restart() {
        stop();
        launch();
    }

    /** Kills the server (SIGKILL): clients see the connection drop and cannot reconnect until {@link #restart()}. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server pid " + process.pid() + " did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping redis-server", e);
        }
        process = null;
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            deleteTree(dir);
        }
    }

    @Override
    public String toString() {
        return "redis-server " + uri();
    }

    private void launch() {
        Path logFile = dir.resolve("redis.log");
        List<String> command = List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--protected-mode", "no");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited with " + process.exitValue()
                        + ": " + tail(logFile));
            }
            if (answersPing()) {
                return;
            }
            try {
                Thread.sleep(20); // polling for the process to come up, not timing a behaviour
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting redis-server", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                + START_TIMEOUT_MS + " ms: " + tail(logFile));
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path binary() {
        String configured = System.getenv("PARLEY_REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "redis-server"))) {
                    return Path.of(entry, "redis-server");
                }
            }
        }
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
