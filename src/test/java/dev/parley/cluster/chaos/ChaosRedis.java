package dev.parley.cluster.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chaos suite's own {@code redis-server} (/usr/bin/redis-server, or $PARLEY_REDIS_SERVER) on a
 * given loopback port, without persistence, its output appended to a log file; started once it
 * answers PING. {@link #restart()} kills it and starts it empty on the same port. Unlike a unit
 * test's Redis it never skips: the chaos suite fails, saying why, when the binary is missing.
 * A stand-in until the shared {@code dev.parley.testing.RedisServer} lands (same method names).
 * One thread drives it.
 */
final class ChaosRedis implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 10_000;

    private final Path binary;
    private final int port;
    private final Path dir;
    private Process process;

    private ChaosRedis(Path binary, int port, Path dir) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
    }

    /** Starts one on {@code port}, working in (and logging to) {@code dir}. */
    static ChaosRedis start(int port, Path dir) {
        String configured = System.getenv("PARLEY_REDIS_SERVER");
        Path binary = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/redis-server");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("the chaos suite needs a real Redis: " + binary + " is missing "
                    + "(apt-get install redis-server, as .ci/run does, or set PARLEY_REDIS_SERVER)");
        }
        ChaosRedis redis = new ChaosRedis(binary, port, dir);
        redis.launch();
        return redis;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** SIGKILL, then a fresh start on the same port: every key is gone, as after a crash without persistence. */
    void restart() {
        stop();
        launch();
    }

    void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() {
        Path log = dir.resolve("redis.log");
        List<String> cmd = List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no");
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String why = process.isAlive() ? "did not answer PING within " + START_TIMEOUT_MS + " ms"
                        : "exited with " + process.exitValue();
                stop();
                throw new IllegalStateException("redis-server on port " + port + " " + why + "; see " + log);
            }
            try {
                Thread.sleep(20); // polling for the process to come up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting redis-server", e);
            }
        }
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }
}
