package dev.parley.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page with two inline SVG line charts of a run, one point per second:
 * deliveries/s, and p50/p99 latency. No scripts, no external resources: it opens anywhere
 * and can be attached to an issue. Warmup seconds are shaded.
 */
public final class HtmlChart {

    private static final int W = 900;
    private static final int H = 280;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private record Series(String name, String color, double[] ys) {
    }

    private HtmlChart() {
    }

    public static void write(Path file, String title, String subtitle, List<Sample> samples) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(title, subtitle, samples), StandardCharsets.UTF_8);
    }

    static String render(String title, String subtitle, List<Sample> samples) {
        int n = samples.size();
        double[] xs = new double[n];
        double[] delivered = new double[n];
        double[] sent = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        boolean[] warm = new boolean[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            xs[i] = s.t();
            delivered[i] = s.deliveredPerSec();
            sent[i] = s.sentPerSec();
            p50[i] = s.p50Us() / 1000.0;
            p99[i] = s.p99Us() / 1000.0;
            warm[i] = s.warmup();
        }
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
                        + "h1{font-size:20px}p{color:#555}svg{display:block;margin:12px 0 28px}"
                        + "text{font-size:12px;fill:#333}</style></head><body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(subtitle)).append("</p>\n");
        html.append(chart("Deliveries per second (sent per second x fan-out)", "per second", xs, warm,
                List.of(new Series("delivered/s", "#1f77b4", delivered), new Series("sent/s", "#2ca02c", sent))));
        html.append(chart("Latency, due time to delivery (ms)", "ms", xs, warm,
                List.of(new Series("p50", "#1f77b4", p50), new Series("p99", "#d62728", p99))));
        html.append("<p>Shaded: warmup (excluded from the figures). One point per second.</p>\n</body></html>\n");
        return html.toString();
    }

    private static String chart(String title, String unit, double[] xs, boolean[] warm, List<Series> series) {
        double xMin = xs.length == 0 ? 0 : xs[0] - 1;
        double xMax = xs.length == 0 ? 1 : xs[xs.length - 1];
        double yMax = 0;
        for (Series s : series) {
            for (double y : s.ys()) {
                yMax = Math.max(yMax, y);
            }
        }
        yMax = niceCeiling(yMax);
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        double xSpan = Math.max(1e-9, xMax - xMin);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\">%n", W, H, W, H));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" style=\"font-size:14px;font-weight:bold\">%s</text>%n",
                LEFT, esc(title)));
        for (int i = 0; i < xs.length; i++) {
            if (warm[i] && (i == 0 || !warm[i - 1])) { // one shaded band per run of warmup seconds
                int j = i;
                while (j + 1 < xs.length && warm[j + 1]) {
                    j++;
                }
                double x0 = LEFT + (xs[i] - 1 - xMin) / xSpan * plotW;
                double x1 = LEFT + (xs[j] - xMin) / xSpan * plotW;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#eee\"/>%n",
                        x0, TOP, x1 - x0, plotH));
            }
        }
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = TOP + plotH - plotH * i / 4;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, W - RIGHT, y, LEFT - 6, y + 4, label(v)));
        }
        int xTicks = 6;
        for (int i = 0; i <= xTicks; i++) {
            double v = xMin + xSpan * i / xTicks;
            double x = LEFT + plotW * i / xTicks;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>%n",
                    x, H - BOTTOM + 18, v));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>"
                + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>%n",
                LEFT, TOP, LEFT, TOP + plotH, LEFT, TOP + plotH, W - RIGHT, TOP + plotH));
        int legendX = LEFT + 10;
        for (Series s : series) {
            List<String> pts = new ArrayList<>();
            for (int i = 0; i < xs.length; i++) {
                double x = LEFT + (xs[i] - xMin) / xSpan * plotW;
                double y = TOP + plotH - (yMax == 0 ? 0 : s.ys()[i] / yMax * plotH);
                pts.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(s.color())
                    .append("\" points=\"").append(String.join(" ", pts)).append("\"/>\n");
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", legendX, TOP + 6, s.color(), legendX + 16, TOP + 10, esc(s.name())));
            legendX += 110;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2, esc(unit)));
        svg.append("</svg>\n");
        return svg.toString();
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
