package dev.parley.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** CPU time of a process from Linux's {@code /proc/<pid>/stat} (user + system). */
public final class ProcStat {

    private static volatile long ticksPerSecond;

    private ProcStat() {
    }

    /** User plus system CPU seconds {@code pid} has used so far, or NaN where /proc is missing. */
    public static double cpuSeconds(long pid) {
        try {
            return parseCpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / (double) ticksPerSecond();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * utime + stime in clock ticks from a stat line. The command name (field 2) may contain
     * spaces and parentheses, so fields are counted from the last ')'.
     */
    static long parseCpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** USER_HZ from {@code getconf CLK_TCK}; 100, the value on practically every Linux, if that fails. */
    static long ticksPerSecond() {
        long t = ticksPerSecond;
        if (t == 0) {
            t = 100;
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String s = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    t = Long.parseLong(s);
                }
            } catch (IOException | RuntimeException e) {
                // keep 100
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticksPerSecond = t;
        }
        return t;
    }
}
