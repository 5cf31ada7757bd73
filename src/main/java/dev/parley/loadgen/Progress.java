package dev.parley.loadgen;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shows how far a phase has got on stderr: a bar redrawn every second on a terminal, a plain
 * line every {@value #PLAIN_EVERY_S} seconds when stderr is a file or pipe (CI logs).
 */
public final class Progress {

    static final int PLAIN_EVERY_S = 10;
    private static final int BAR = 30;

    private final PrintStream err;
    private final boolean terminal;
    private boolean drawn;

    Progress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    public static Progress forStderr() {
        return new Progress(System.err, stderrIsTerminal());
    }

    /** True when fd 2 is a terminal (Linux: /proc/self/fd/2 links to a tty or pty). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }

    public static Progress silent() {
        return new Progress(null, false);
    }

    void update(String label, long t, long total, long warmupS, double sentPerSec, double deliveredPerSec, double p99Us) {
        if (err == null) {
            return;
        }
        String status = String.format("%s %3d/%ds %s  sent %,.0f/s  delivered %,.0f/s  p99 %.3f ms", label, t, total,
                t <= warmupS ? "warmup   " : "measuring", sentPerSec, deliveredPerSec, p99Us / 1000.0);
        if (terminal) {
            int filled = (int) (BAR * Math.min(t, total) / Math.max(1, total));
            err.print("\r\033[K[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + status);
            err.flush();
            drawn = true;
        } else if (t % PLAIN_EVERY_S == 5 % PLAIN_EVERY_S || t == total) {
            err.println("loadgen: " + status);
        }
    }

    /** Removes the bar before other output is printed. */
    void clear() {
        if (err != null && terminal && drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }
}
