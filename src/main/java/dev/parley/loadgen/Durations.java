package dev.parley.loadgen;

import java.time.Duration;
import java.util.Locale;

/** Parses durations as written on the command line: {@code 60s}, {@code 2m}, {@code 500ms}, {@code 90} (seconds). */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 60_000));
            }
            if (v.endsWith("h")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 3_600_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad duration '" + s + "'; expected e.g. 60s, 2m, 500ms");
        }
    }

    /** Whole seconds, failing when {@code d} is not a whole number of seconds. */
    public static long wholeSeconds(Duration d, String option) {
        if (d.isNegative() || d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException(option + " must be a whole number of seconds, was " + d.toMillis() + " ms");
        }
        return d.toSeconds();
    }
}
