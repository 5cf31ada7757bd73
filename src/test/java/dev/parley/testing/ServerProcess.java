package dev.parley.testing;

import dev.parley.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Parley server in a child JVM ({@code dev.parley.cli.Main server ...} on this JVM's class
 * path), for tests that kill it with SIGKILL or stop it with SIGTERM.
 */
public final class ServerProcess {

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code server --host 127.0.0.1 --port <free> <args>} and waits until it accepts connections. */
    public static ServerProcess start(Path log, List<String> args) throws IOException, InterruptedException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "server", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--password-iterations", "1000", "--io-threads", "2"));
        if (hasOption("--admin-port")) {
            cmd.addAll(List.of("--admin-port", "-1")); // no fixed admin port to collide on
        }
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServerProcess sp = new ServerProcess(p, port, log);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) {
                throw new AssertionError("the server exited with " + p.exitValue() + ":\n" + sp.output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return sp;
            } catch (IOException notYet) {
                if (System.nanoTime() > end) {
                    p.destroyForcibly();
                    throw new AssertionError("the server did not listen within 60 s:\n" + sp.output());
                }
                Thread.sleep(50);
            }
        }
    }

    public int port() {
        return port;
    }

    public TestClient client() throws IOException {
        return TestClient.connect("127.0.0.1", port);
    }

    /** kill -9: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the graceful shutdown. Returns once the process has exited. */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 60 s of SIGTERM:\n" + output());
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static boolean hasOption(String name) {
        return new CommandLine(new Main()).getSubcommands().get("server").getCommandSpec().findOption(name) != null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
