package dev.parley.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Parley server in a JVM of its own, for the bench and for tests that kill it: runs
 * {@code java [jvmArgs] -cp CLASSPATH dev.parley.cli.Main server [serverArgs] --ready-file F}
 * with its output appended to a log file, and returns once the server has written its
 * {@link ReadyFile} (bounded by a start timeout), which gives the real port of a
 * {@code --port 0} start. Stopped with SIGTERM ({@link #terminate}, {@link #close}) or SIGKILL
 * ({@link #kill}). Only spawns the process and reads the ready file: nothing of the server's
 * code runs in this JVM. Methods may be called from any thread.
 */
public final class ServerProcess implements AutoCloseable {

    private static final long POLL_MILLIS = 20;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    /**
     * How to start the server.
     *
     * @param java         the java executable
     * @param jvmArgs      options for the server's JVM, e.g. -Xmx2g
     * @param classpath    a class path holding Parley and its dependencies
     * @param serverArgs   {@code parley server} options
     * @param log          where the server's stdout and stderr are appended
     * @param startTimeout how long the server may take to become ready
     */
    public record Options(String java, List<String> jvmArgs, String classpath, List<String> serverArgs, Path log,
                          Duration startTimeout) {
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

        public Options {
            jvmArgs = List.copyOf(jvmArgs);
            serverArgs = List.copyOf(serverArgs);
        }

        /** This JVM's java and class path, no JVM options, the default start timeout. */
        public static Options of(List<String> serverArgs, Path log) {
            return new Options(Path.of(System.getProperty("java.home"), "bin", "java").toString(), List.of(),
                    System.getProperty("java.class.path"), serverArgs, log, DEFAULT_START_TIMEOUT);
        }

        public Options withJava(String v) {
            return new Options(v, jvmArgs, classpath, serverArgs, log, startTimeout);
        }

        public Options withJvmArgs(List<String> v) {
            return new Options(java, v, classpath, serverArgs, log, startTimeout);
        }

        public Options withStartTimeout(Duration v) {
            return new Options(java, jvmArgs, classpath, serverArgs, log, v);
        }
    }

    private final Process process;
    private final Options options;
    private final List<String> command;
    private final Path readyPath;
    private final ReadyFile ready;

    private ServerProcess(Process process, Options options, List<String> command, Path readyPath, ReadyFile ready) {
        this.process = process;
        this.options = options;
        this.command = command;
        this.readyPath = readyPath;
        this.ready = ready;
    }

    /**
     * Starts the server and waits until it is ready. Throws {@link IllegalStateException} with
     * the end of its output when it exits or times out first (the process is stopped then).
     */
    public static ServerProcess start(Options options) throws IOException, InterruptedException {
        Path readyPath = Files.createTempFile("parley-ready-", ".properties");
        Files.delete(readyPath); // the server creates it once listening
        List<String> cmd = new ArrayList<>();
        cmd.add(options.java());
        cmd.addAll(options.jvmArgs());
        cmd.addAll(List.of("-cp", options.classpath(), "dev.parley.cli.Main", "server"));
        cmd.addAll(options.serverArgs());
        cmd.addAll(List.of("--ready-file", readyPath.toString()));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(options.log().toFile()));
        // the server reads PARLEY_<OPTION> variables; a launched server takes its options from
        // the launcher alone, not from whatever the operator's shell has set
        builder.environment().keySet().removeIf(name -> name.startsWith("PARLEY_"));
        Process p = builder.start();
        boolean ok = false;
        try {
            ReadyFile ready = awaitReady(p, readyPath, options);
            ok = true;
            return new ServerProcess(p, options, List.copyOf(cmd), readyPath, ready);
        } finally {
            if (!ok) {
                stop(p, STOP_TIMEOUT);
                Files.deleteIfExists(readyPath);
            }
        }
    }

    private static ReadyFile awaitReady(Process p, Path readyPath, Options options)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (true) {
            ReadyFile ready = readIfPresent(readyPath);
            if (ready != null) {
                if (ready.pid() != p.pid()) {
                    throw new IllegalStateException("the ready file " + readyPath + " names pid " + ready.pid()
                            + ", not the started server's " + p.pid());
                }
                return ready;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the server exited with code " + p.exitValue()
                        + " before it was ready; its output:\n" + tail(readLog(options.log()), 30));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server was not ready within " + options.startTimeout().toSeconds()
                        + " s; its output:\n" + tail(readLog(options.log()), 30));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static ReadyFile readIfPresent(Path readyPath) throws IOException {
        try {
            return ReadyFile.read(readyPath);
        } catch (NoSuchFileException notYet) {
            return null;
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", Arrays.copyOfRange(all, from, all.length));
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** The port clients connect to. */
    public int port() {
        return ready.clientPort();
    }

    /** The WebSocket listener's port, or {@link ReadyFile#NO_PORT}. */
    public int wsPort() {
        return ready.wsPort();
    }

    /** The admin HTTP port, or {@link ReadyFile#NO_ADMIN_PORT}. */
    public int adminPort() {
        return ready.adminPort();
    }

    /** The socket transport the server picked (io_uring, epoll, nio). */
    public String transport() {
        return ready.transport();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return options.log();
    }

    /** Everything the server has written to its log so far. */
    public String output() {
        return readLog(options.log());
    }

    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush. Returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        deleteReadyFile();
    }

    /**
     * SIGTERM, the graceful shutdown; returns the exit code once the process has exited. If it
     * has not exited within {@code timeout} it is killed and this throws.
     */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("the server did not stop within " + timeout.toSeconds()
                        + " s of SIGTERM; its output:\n" + tail(output(), 30));
            }
            return process.exitValue();
        } finally {
            deleteReadyFile();
        }
    }

    /** Stops the server: SIGTERM, then SIGKILL if it has not stopped within 15 s. Never throws. */
    @Override
    public void close() {
        stop(process, STOP_TIMEOUT);
        deleteReadyFile();
    }

    private void deleteReadyFile() {
        try {
            Files.deleteIfExists(readyPath);
        } catch (IOException e) {
            // a stale temporary file is harmless: the next start uses a fresh name
        }
    }

    private static void stop(Process p, Duration timeout) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
