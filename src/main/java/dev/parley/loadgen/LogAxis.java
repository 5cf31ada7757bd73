package dev.parley.loadgen;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A base-10 logarithmic axis over whole decades, {@code 10^minExp} to {@code 10^maxExp}, for
 * figures that span several orders of magnitude (latency: a p50 of 0.1 ms beside a p99 spike
 * of 200 ms). Only positive, finite values can be placed on it; the chart leaves the others
 * out (a gap in the line). Pure; any thread.
 */
record LogAxis(int minExp, int maxExp) {

    LogAxis {
        if (maxExp <= minExp) {
            throw new IllegalArgumentException("a log axis spans at least one decade: " + minExp + ".." + maxExp);
        }
    }

    /** The axis when nothing can be placed: 0.1 to 1. */
    static final LogAxis EMPTY = new LogAxis(-1, 0);

    /**
     * The smallest whole-decade axis holding every plottable value of {@code series}: from the
     * decade at or below the smallest to the decade at or above the largest, at least one decade.
     */
    static LogAxis fitting(List<double[]> series) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double[] ys : series) {
            for (double y : ys) {
                if (plottable(y)) {
                    min = Math.min(min, y);
                    max = Math.max(max, y);
                }
            }
        }
        if (max == 0) {
            return EMPTY;
        }
        int lo = (int) Math.floor(Math.log10(min)); // exact for powers of ten (Math.log10's contract)
        int hi = (int) Math.ceil(Math.log10(max));
        return new LogAxis(lo, Math.max(hi, lo + 1));
    }

    /** A value the axis can show: positive and finite (zero means "no value" on a log scale). */
    static boolean plottable(double v) {
        return v > 0 && Double.isFinite(v);
    }

    /** Where {@code v} sits, 0 at the bottom decade and 1 at the top; {@code v} must be {@link #plottable}. */
    double fraction(double v) {
        return (Math.log10(v) - minExp) / (maxExp - minExp);
    }

    /** The grid: one tick per decade, bottom to top, e.g. 0.01, 0.1, 1, 10. */
    List<Double> ticks() {
        List<Double> t = new ArrayList<>();
        for (int e = minExp; e <= maxExp; e++) {
            t.add(BigDecimal.ONE.scaleByPowerOfTen(e).doubleValue());
        }
        return t;
    }

    /** A decade's label without float noise or exponent: {@code 0.001}, {@code 1}, {@code 1000}. */
    static String label(double decade) {
        return new BigDecimal(Double.toString(decade)).stripTrailingZeros().toPlainString();
    }
}
