package dev.parley.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Parley server in a JVM of its own, for benchmarks: started with {@code --port 0}, its
 * port read from its startup log line, its output kept in a log file, stopped with SIGTERM
 * (then SIGKILL if it does not stop).
 */
public final class ServerProcess implements AutoCloseable {

    static final Pattern LISTENING = Pattern.compile("Parley listening on \\S*:(\\d+) \\(transport ([^,)\\s]+)");

    private final Process process;
    private final Path log;
    private final int port;
    private final String transport;
    private final List<String> command;

    private ServerProcess(Process process, Path log, int port, String transport, List<String> command) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.transport = transport;
        this.command = command;
    }

    /**
     * Starts {@code java [jvmArgs] -cp classpath dev.parley.cli.Main server [serverArgs]} and
     * waits for it to listen.
     */
    public static ServerProcess start(String java, List<String> jvmArgs, String classpath, List<String> serverArgs,
                                      Path log, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add("dev.parley.cli.Main");
        cmd.add("server");
        cmd.addAll(serverArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ok = false;
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
                Matcher m = LISTENING.matcher(text);
                if (m.find()) {
                    ok = true;
                    return new ServerProcess(p, log, Integer.parseInt(m.group(1)), m.group(2), cmd);
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("the server exited with code " + p.exitValue()
                            + " before listening; its output:\n" + tail(text, 30));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the server did not log 'Parley listening on' within "
                            + timeout.toSeconds() + " s; its output:\n" + tail(text, 30));
                }
                Thread.sleep(50);
            }
        } finally {
            if (!ok) {
                stop(p);
            }
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    public int port() {
        return port;
    }

    public String transport() {
        return transport;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** CPU seconds the server process has used so far. */
    public double cpuSeconds() {
        return ProcStat.cpuSeconds(process.pid());
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
