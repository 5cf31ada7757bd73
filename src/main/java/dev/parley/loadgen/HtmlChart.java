package dev.parley.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page of a run: the verdict as a banner, then two inline SVG line charts
 * with one point per second: delivered/s beside expected/s (what the sends of that second
 * should cause), and p50/p99 latency on a logarithmic axis. Warmup seconds are shaded; seconds
 * in which measured clients were disconnected are marked on both charts with the count. No
 * scripts, no external resources: it opens anywhere and can be attached to an issue. Pure
 * rendering of the samples; any thread.
 */
public final class HtmlChart {

    private static final int W = 900;
    private static final int H = 290;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 40;
    private static final double PLOT_W = W - LEFT - RIGHT;
    private static final double PLOT_H = H - TOP - BOTTOM;
    private static final String DISCONNECT_COLOR = "#d62728";

    /** A line of the chart; {@code dash} is an SVG stroke-dasharray, or null for a solid line. */
    private record Series(String name, String color, String dash, double[] ys) {
    }

    /** How a chart maps values to height. */
    private interface YScale {
        /** 0 at the bottom of the plot, 1 at the top; NaN when {@code v} cannot be shown. */
        double fraction(double v);

        List<Double> ticks();

        String label(double v);
    }

    /** From 0 to a round maximum, five grid lines. */
    private record LinearScale(double max) implements YScale {
        public double fraction(double v) {
            return v / max;
        }

        public List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            for (int i = 0; i <= 4; i++) {
                t.add(max * i / 4);
            }
            return t;
        }

        public String label(double v) {
            return HtmlChart.label(v);
        }
    }

    /** Decades; values that are zero or absent leave a gap. */
    private record LogScale(LogAxis axis) implements YScale {
        public double fraction(double v) {
            return LogAxis.plottable(v) ? axis.fraction(v) : Double.NaN;
        }

        public List<Double> ticks() {
            return axis.ticks();
        }

        public String label(double v) {
            return LogAxis.label(v);
        }
    }

    /** The time axis and the per-second marks shared by both charts. */
    private record Seconds(double[] xs, boolean[] warm, long[] disconnects, double xMin, double xSpan) {
        double x(double t) {
            return LEFT + (t - xMin) / xSpan * PLOT_W;
        }
    }

    private HtmlChart() {
    }

    public static void write(Path file, String title, String subtitle, Verdict verdict, List<Sample> samples)
            throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(title, subtitle, verdict, samples), StandardCharsets.UTF_8);
    }

    static String render(String title, String subtitle, Verdict verdict, List<Sample> samples) {
        int n = samples.size();
        double[] xs = new double[n];
        double[] delivered = new double[n];
        double[] expected = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        boolean[] warm = new boolean[n];
        long[] disconnects = new long[n];
        long disconnected = 0;
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            xs[i] = s.t();
            delivered[i] = s.deliveredPerSec();
            expected[i] = s.expectedPerSec();
            p50[i] = s.p50Us() / 1000.0;
            p99[i] = s.p99Us() / 1000.0;
            warm[i] = s.warmup();
            disconnects[i] = s.disconnects();
            disconnected += s.disconnects();
        }
        double xMin = n == 0 ? 0 : xs[0] - 1;
        double xMax = n == 0 ? 1 : xs[n - 1];
        Seconds secs = new Seconds(xs, warm, disconnects, xMin, Math.max(1e-9, xMax - xMin));
        List<Series> rates = List.of(new Series("expected/s", "#ff7f0e", "7 4", expected),
                new Series("delivered/s", "#1f77b4", null, delivered));
        List<Series> latency = List.of(new Series("p50", "#1f77b4", null, p50), new Series("p99", "#9467bd", null, p99));
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
                        + "h1{font-size:20px}p{color:#555}svg{display:block;margin:12px 0 28px}"
                        + "text{font-size:12px;fill:#333}"
                        + ".verdict{padding:10px 14px;border-radius:4px;font-size:15px;margin:8px 0 12px}"
                        + ".verdict.pass{background:#e3f4e3;border:1px solid #2ca02c}"
                        + ".verdict.fail{background:#fbe3e3;border:1px solid #d62728}"
                        + ".verdict small{display:block;color:#444;margin-top:4px;font-size:13px}</style></head><body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n");
        html.append("<div class=\"verdict ").append(verdict.passed() ? "pass" : "fail").append("\"><strong>")
                .append(verdict.label()).append("</strong> ").append(esc(verdict.reason()))
                .append("<small>").append(esc(verdict.figures())).append("</small></div>\n");
        html.append("<p>").append(esc(subtitle)).append("</p>\n");
        html.append(chart("Deliveries per second: delivered, and expected (each message sent x its room's members)",
                "per second", secs, new LinearScale(niceCeiling(max(rates))), rates));
        html.append(chart("Latency, due time to first delivery (ms, log scale)", "ms (log)", secs,
                new LogScale(LogAxis.fitting(List.of(p50, p99))), latency));
        html.append("<p>Shaded: warmup (excluded from the figures). One point per second, at its end; "
                + "no latency point in a second without deliveries.");
        if (disconnected > 0) {
            html.append(String.format(Locale.ROOT, " Red marks: seconds in which measured clients were disconnected, "
                    + "with how many (%,d in these seconds).", disconnected));
        }
        html.append("</p>\n</body></html>\n");
        return html.toString();
    }

    private static double max(List<Series> series) {
        double m = 0;
        for (Series s : series) {
            for (double y : s.ys()) {
                m = Math.max(m, y);
            }
        }
        return m;
    }

    private static String chart(String title, String unit, Seconds secs, YScale scale, List<Series> series) {
        double[] xs = secs.xs();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\">%n", W, H, W, H));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" style=\"font-size:14px;font-weight:bold\">%s</text>%n",
                LEFT, esc(title)));
        boolean[] warm = secs.warm();
        for (int i = 0; i < xs.length; i++) {
            if (warm[i] && (i == 0 || !warm[i - 1])) { // one shaded band per run of warmup seconds
                int j = i;
                while (j + 1 < xs.length && warm[j + 1]) {
                    j++;
                }
                double x0 = secs.x(xs[i] - 1);
                double x1 = secs.x(xs[j]);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#eee\"/>%n",
                        x0, TOP, x1 - x0, PLOT_H));
            }
        }
        for (double v : scale.ticks()) {
            double y = y(scale.fraction(v));
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, W - RIGHT, y, LEFT - 6, y + 4,
                    scale.label(v)));
        }
        for (double v : timeTicks(secs.xMin(), secs.xMin() + secs.xSpan())) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>%n",
                    secs.x(v), H - BOTTOM + 18, v));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>"
                + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>%n",
                LEFT, TOP, LEFT, TOP + PLOT_H, LEFT, TOP + PLOT_H, W - RIGHT, TOP + PLOT_H));
        disconnectMarks(svg, secs);
        int legendX = LEFT + 10;
        for (Series s : series) {
            for (String points : segments(secs, scale, s.ys())) {
                svg.append("<polyline data-series=\"").append(esc(s.name())).append("\" fill=\"none\" stroke-width=\"2\" stroke=\"")
                        .append(s.color()).append(s.dash() == null ? "" : "\" stroke-dasharray=\"" + s.dash())
                        .append("\" points=\"").append(points).append("\"/>\n");
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", legendX, TOP + 6, s.color(), legendX + 16, TOP + 10, esc(s.name())));
            legendX += 110;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + PLOT_H / 2, TOP + PLOT_H / 2, esc(unit)));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A red line through the plot at each second with disconnects, the count above it. */
    private static void disconnectMarks(StringBuilder svg, Seconds secs) {
        for (int i = 0; i < secs.xs().length; i++) {
            long d = secs.disconnects()[i];
            if (d > 0) {
                double x = secs.x(secs.xs()[i]);
                svg.append(String.format(Locale.ROOT, "<g class=\"disconnect\"><title>%,d disconnect%s in second %.0f</title>"
                                + "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
                                + "stroke-dasharray=\"3 2\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                                + "style=\"fill:%s;font-size:11px\">%,d</text></g>%n",
                        d, d == 1 ? "" : "s", secs.xs()[i], x, TOP, x, TOP + PLOT_H, DISCONNECT_COLOR, x, TOP - 3,
                        DISCONNECT_COLOR, d));
            }
        }
    }

    /** The points of a series as runs of showable values: a value the scale cannot show breaks the line. */
    private static List<String> segments(Seconds secs, YScale scale, double[] ys) {
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < ys.length; i++) {
            double f = scale.fraction(ys[i]);
            if (Double.isNaN(f)) {
                if (!run.isEmpty()) {
                    runs.add(run.toString());
                    run.setLength(0);
                }
                continue;
            }
            if (!run.isEmpty()) {
                run.append(' ');
            }
            run.append(String.format(Locale.ROOT, "%.1f,%.1f", secs.x(secs.xs()[i]), y(f)));
        }
        if (!run.isEmpty()) {
            runs.add(run.toString());
        }
        return runs;
    }

    /** The pixel row of a fraction of the plot's height (clamped to the plot). */
    private static double y(double fraction) {
        return TOP + PLOT_H - Math.min(1, Math.max(0, fraction)) * PLOT_H;
    }

    /**
     * Whole seconds for the time axis, every 1, 2 or 5 × 10^k s (at least 1 s), about six of
     * them: labels then fall on the seconds the points and bands are drawn at.
     */
    static List<Double> timeTicks(double from, double to) {
        double rough = Math.max(1, (to - from) / 6);
        double pow = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = 10 * pow;
        for (double m : new double[]{1, 2, 5}) {
            if (m * pow >= rough) {
                step = m * pow;
                break;
            }
        }
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) {
            ticks.add(t);
        }
        return ticks;
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double pow = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) {
            if (m * pow >= v) {
                return m * pow;
            }
        }
        return 10 * pow;
    }

    private static String label(double v) {
        if (v == 0) {
            return "0";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
