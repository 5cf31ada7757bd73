package dev.parley.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chat text sizes and their shares, parsed from {@code SIZE[-MAX]:WEIGHT,...}, e.g.
 * {@code 64:80,256:18,1024-2048:2} (80 % of messages carry 64 bytes, 18 % 256 bytes, 2 %
 * a uniform 1-2 KiB). Weights are relative and need not sum to 100.
 */
public final class PayloadMix {

    /** One entry: sizes {@code min..max} bytes (inclusive) with relative {@code weight}. */
    public record Entry(int min, int max, double weight) {
    }

    public static final int MAX_SIZE = 60_000;

    private final String spec;
    private final List<Entry> entries;
    private final double[] cumulative;

    private PayloadMix(String spec, List<Entry> entries) {
        this.spec = spec;
        this.entries = List.copyOf(entries);
        this.cumulative = new double[entries.size()];
        double total = 0;
        for (Entry e : entries) {
            total += e.weight();
        }
        double running = 0;
        for (int i = 0; i < entries.size(); i++) {
            running += entries.get(i).weight() / total;
            cumulative[i] = running;
        }
        cumulative[cumulative.length - 1] = 1.0;
    }

    public static PayloadMix parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("payload mix is empty; expected e.g. 64:80,256:18,1024-2048:2");
        }
        List<Entry> entries = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw bad(spec, "'" + p + "' has no ':WEIGHT'");
            }
            String sizes = p.substring(0, colon).trim();
            double weight;
            int min;
            int max;
            try {
                weight = Double.parseDouble(p.substring(colon + 1).trim().replace("%", ""));
                int dash = sizes.indexOf('-');
                min = parseSize(dash < 0 ? sizes : sizes.substring(0, dash));
                max = dash < 0 ? min : parseSize(sizes.substring(dash + 1));
            } catch (NumberFormatException e) {
                throw bad(spec, "'" + p + "' is not SIZE[-MAX]:WEIGHT");
            }
            if (min < 1 || max < min || max > MAX_SIZE) {
                throw bad(spec, "sizes in '" + p + "' must satisfy 1 <= SIZE <= MAX <= " + MAX_SIZE);
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw bad(spec, "weight in '" + p + "' must be positive");
            }
            entries.add(new Entry(min, max, weight));
        }
        return new PayloadMix(spec, entries);
    }

    /** Sizes may carry a unit: {@code 64}, {@code 64B}, {@code 1KB}, {@code 2k}. */
    private static int parseSize(String s) {
        String v = s.trim().toUpperCase(Locale.ROOT);
        int mult = 1;
        if (v.endsWith("KB") || v.endsWith("K")) {
            mult = 1024;
            v = v.substring(0, v.length() - (v.endsWith("KB") ? 2 : 1));
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        return Math.multiplyExact(Integer.parseInt(v.trim()), mult);
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("bad --payload-mix '" + spec + "': " + why
                + " (expected e.g. 64:80,256:18,1024-2048:2)");
    }

    /** The size for a uniform random {@code u} in [0, 1) and another {@code v} in [0, 1) for ranges. */
    public int size(double u, double v) {
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i] || i == cumulative.length - 1) {
                Entry e = entries.get(i);
                return e.min() + (int) (v * (e.max() - e.min() + 1));
            }
        }
        throw new AssertionError("unreachable");
    }

    public int maxSize() {
        int m = 0;
        for (Entry e : entries) {
            m = Math.max(m, e.max());
        }
        return m;
    }

    /** The expected size of one message. */
    public double meanSize() {
        double mean = 0;
        double prev = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            mean += (cumulative[i] - prev) * (e.min() + e.max()) / 2.0;
            prev = cumulative[i];
        }
        return mean;
    }

    public List<Entry> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return spec;
    }
}
