package dev.parley.client.console;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A print stream whose text a test can wait on. */
final class CapturedOutput {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // synchronized
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the text contains {@code expected}; returns the text. */
    String await(String expected) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            String text = text();
            if (text.contains(expected)) {
                return text;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no \"" + expected + "\" within " + TIMEOUT + "; output so far:\n" + text());
    }
}
