package dev.parley.client.console;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A console client in scripted (non-terminal) mode on a thread of its own: it reads its commands
 * from {@link #in} and prints to captured streams.
 */
final class ConsoleSession {

    final ScriptedInput in = new ScriptedInput();
    final CapturedOutput out = new CapturedOutput();
    final CapturedOutput err = new CapturedOutput();
    private final CompletableFuture<Integer> exit;

    private ConsoleSession(ClientOptions options) {
        ConsoleClient client = new ConsoleClient(options,
                new StreamLineConsole(in, StandardCharsets.UTF_8, out.stream, err.stream));
        exit = CompletableFuture.supplyAsync(client::run, runnable -> {
            Thread t = new Thread(runnable, "console-client-under-test");
            t.setDaemon(true);
            t.start();
        });
    }

    static ConsoleSession start(ClientOptions options) {
        return new ConsoleSession(options);
    }

    /** A client of the server at loopback {@code port}, logging in as {@code name} with password "pw-" + name. */
    static ConsoleSession start(int port, String name) {
        return start(ClientOptions.of("127.0.0.1", port, name, "pw-" + name));
    }

    int exitCode() throws Exception {
        return exit.get(10, TimeUnit.SECONDS);
    }

    /**
     * The output lines so far, chat lines without their {@code (msg SEQ)} suffix: sessions compare
     * what was said and in which order; MessageFormatterTest checks the suffix itself.
     */
    List<String> lines() {
        return Arrays.stream(out.text().split("\n")).map(ConsoleSession::withoutSeq).toList();
    }

    /** {@code line} without the {@code (msg SEQ)} a chat line ends with. */
    static String withoutSeq(String line) {
        return line.replaceAll("  \\(msg \\d+\\)$", "");
    }

    /** The output lines from the first one equal to {@code first} on. */
    List<String> linesFrom(String first) {
        List<String> lines = lines();
        int i = lines.indexOf(first);
        if (i < 0) {
            throw new AssertionError("no line \"" + first + "\" in:\n" + out.text());
        }
        return lines.subList(i, lines.size());
    }
}
