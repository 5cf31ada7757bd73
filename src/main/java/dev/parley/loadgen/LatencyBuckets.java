package dev.parley.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latency histogram of the original load test report: disjoint bins
 * {@code <=100us, <=500us, <=1ms, <=5ms, <=50ms, >50ms}. Counted exactly per delivery,
 * not derived from the HdrHistogram, so bin edges carry no rounding.
 */
public final class LatencyBuckets {

    /** Inclusive upper edges in microseconds; the last bin is everything above. */
    static final long[] UPPER_US = {100, 500, 1_000, 5_000, 50_000};
    public static final int COUNT = UPPER_US.length + 1;
    static final String[] KEYS = {"le_100us", "le_500us", "le_1ms", "le_5ms", "le_50ms", "gt_50ms"};
    static final String[] LABELS = {"<=100us", "<=500us", "<=1ms", "<=5ms", "<=50ms", ">50ms"};

    private LatencyBuckets() {
    }

    public static int index(long micros) {
        for (int i = 0; i < UPPER_US.length; i++) {
            if (micros <= UPPER_US[i]) {
                return i;
            }
        }
        return UPPER_US.length;
    }

    public static String key(int index) {
        return KEYS[index];
    }

    public static String label(int index) {
        return LABELS[index];
    }

    /** The counts keyed as in the JSON report. */
    public static Map<String, Long> asMap(long[] counts) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < COUNT; i++) {
            m.put(KEYS[i], counts[i]);
        }
        return m;
    }
}
