package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HtmlChartTest {

    private static final Verdict PASS = new Verdict(true, "every expected delivery arrived exactly once",
            "250,000 deliveries/s of 250,000 expected/s, p99 2.000 ms");
    private static final Pattern POLYLINE = Pattern.compile("<polyline data-series=\"([^\"]+)\"[^>]*points=\"([^\"]*)\"");
    /** The plot: x from 80 to 880 px, y from 40 (top) to 250 (bottom). */
    private static final double TOP = 40;
    private static final double BOTTOM = 250;

    /** 20 s, 5 of them warmup: 5,000 sent/s, 250,000 expected/s, deliveries slightly below, p50 0.15 ms, p99 2 ms. */
    private static List<Sample> run() {
        List<Sample> samples = new ArrayList<>();
        for (int t = 1; t <= 20; t++) {
            samples.add(new Sample(t, t <= 5, 5_000, 240_000 + t * 100, 150, 2_000, 250_000, 0));
        }
        return samples;
    }

    /** The points of each line named {@code series}, one list per unbroken run. */
    private static List<List<double[]>> lines(String svg, String series) {
        List<List<double[]>> lines = new ArrayList<>();
        Matcher m = POLYLINE.matcher(svg);
        while (m.find()) {
            if (m.group(1).equals(series)) {
                List<double[]> pts = new ArrayList<>();
                for (String p : m.group(2).split(" ")) {
                    String[] xy = p.split(",");
                    pts.add(new double[]{Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
                }
                lines.add(pts);
            }
        }
        return lines;
    }

    private static double yOf(double fraction) {
        return BOTTOM - fraction * (BOTTOM - TOP);
    }

    @Test
    void deliveriesChartShowsDeliveredAndExpectedNotSent() {
        String html = HtmlChart.render("title <&>", "sub", PASS, run());
        assertThat(html).contains("title &lt;&amp;&gt;").doesNotContain("<script").doesNotContain("sent/s");
        assertThat(html.split("<svg ", -1)).hasSize(3);
        // expected sits at its value on a 0..250,000 axis (the nice ceiling of 250,000)
        List<List<double[]>> expected = lines(html, "expected/s");
        assertThat(expected).hasSize(1);
        assertThat(expected.get(0)).hasSize(20);
        double top = HtmlChart.niceCeiling(250_000);
        for (double[] p : expected.get(0)) {
            assertThat(p[1]).isCloseTo(yOf(250_000 / top), within(0.06));
        }
        List<List<double[]>> delivered = lines(html, "delivered/s");
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).get(19)[1]).isCloseTo(yOf(242_000 / top), within(0.06));
        // far above the bottom: the deliveries line is not drawn from sent/s (5,000 of 250,000)
        assertThat(delivered.get(0).get(0)[1]).isLessThan(TOP + 0.1 * (BOTTOM - TOP));
    }

    @Test
    void warmupIsShadedOncePerChartAndEveryPointIsInsideThePlot() {
        String html = HtmlChart.render("t", "s", PASS, run());
        // one warmup band per chart, covering seconds 0..5 of 0..20: a quarter of the 800 px plot
        Matcher band = Pattern.compile("<rect x=\"80.0\" y=\"40\" width=\"200.0\"").matcher(html);
        int bands = 0;
        while (band.find()) {
            bands++;
        }
        assertThat(bands).isEqualTo(2);
        Matcher m = POLYLINE.matcher(html);
        int n = 0;
        while (m.find()) {
            for (String p : m.group(2).split(" ")) {
                String[] xy = p.split(",");
                assertThat(Double.parseDouble(xy[0])).isBetween(80.0, 880.0);
                assertThat(Double.parseDouble(xy[1])).isBetween(TOP, BOTTOM);
                n++;
            }
        }
        assertThat(n).isEqualTo(4 * 20); // expected, delivered, p50, p99
    }

    @Test
    void latencyIsOnALogAxisWithDecadeGridLinesAndGapsWhereThereWasNoDelivery() {
        List<Sample> samples = run();
        samples.set(9, new Sample(10, false, 5_000, 0, 0, 0, 250_000, 0)); // a second without deliveries
        String html = HtmlChart.render("t", "s", PASS, samples);
        String latency = html.substring(html.lastIndexOf("<svg "));
        // p50 0.15 ms and p99 2 ms: grid 0.1, 1, 10 ms
        Matcher grid = Pattern.compile("<line class=\"grid\"[^>]*/><text[^>]*>([^<]+)</text>").matcher(latency);
        List<String> labels = new ArrayList<>();
        while (grid.find()) {
            labels.add(grid.group(1));
        }
        assertThat(labels).containsExactly("0.1", "1", "10");
        List<List<double[]>> p99 = lines(latency, "p99");
        assertThat(p99).hasSize(2); // broken at second 10
        assertThat(p99.get(0)).hasSize(9);
        assertThat(p99.get(1)).hasSize(10);
        // log scale: 2 ms sits at log10(2)+1 of the two decades, not 2/10 of a linear axis
        assertThat(p99.get(0).get(0)[1]).isCloseTo(yOf((Math.log10(2) + 1) / 2), within(0.06));
        assertThat(lines(latency, "p50").get(0).get(0)[1]).isCloseTo(yOf((Math.log10(0.15) + 1) / 2), within(0.06));
    }

    @Test
    void secondsWithDisconnectsAreMarkedOnBothChartsWithTheCount() {
        List<Sample> samples = run();
        samples.set(11, new Sample(12, false, 5_000, 200_000, 150, 2_000, 250_000, 7));
        String html = HtmlChart.render("t", "s", PASS, samples);
        Matcher mark = Pattern.compile("<g class=\"disconnect\"><title>7 disconnects in second 12</title>"
                + "<line x1=\"([\\d.]+)\".*?>7</text></g>").matcher(html);
        int marks = 0;
        while (mark.find()) {
            assertThat(Double.parseDouble(mark.group(1))).isEqualTo(80 + 12.0 / 20 * 800, within(0.06));
            marks++;
        }
        assertThat(marks).isEqualTo(2);
        assertThat(html).contains("(7 in these seconds)");
        assertThat(HtmlChart.render("t", "s", PASS, run())).doesNotContain("class=\"disconnect\"");
    }

    @Test
    void theVerdictIsABannerAboveTheCharts() {
        String pass = HtmlChart.render("t", "s", PASS, run());
        assertThat(pass).contains("<div class=\"verdict pass\"><strong>PASS</strong> every expected delivery arrived "
                + "exactly once<small>250,000 deliveries/s of 250,000 expected/s, p99 2.000 ms</small></div>");
        assertThat(pass.indexOf("class=\"verdict")).isLessThan(pass.indexOf("<svg "));
        Verdict fail = new Verdict(false, "12 deliveries lost; 3 disconnects", "figures")
                .withReason("server disconnects by reason: slow_reader 3");
        assertThat(HtmlChart.render("t", "s", fail, run())).contains("<div class=\"verdict fail\"><strong>FAIL</strong> "
                + "12 deliveries lost; 3 disconnects; server disconnects by reason: slow_reader 3<small>");
    }

    @Test
    void anEmptyRunStillRenders() {
        String html = HtmlChart.render("t", "s", PASS, List.of());
        assertThat(html).contains("</html>").doesNotContain("<polyline");
    }

    @Test
    void logAxisSpansTheDecadesAroundThePlottableValues() {
        assertThat(LogAxis.fitting(List.of(new double[]{0.15, 0, 2.1}, new double[]{Double.NaN, 0.9})))
                .isEqualTo(new LogAxis(-1, 1));
        assertThat(LogAxis.fitting(List.of(new double[]{0.012, 350}))).isEqualTo(new LogAxis(-2, 3));
        // exactly a decade, or within one: still one decade tall
        assertThat(LogAxis.fitting(List.of(new double[]{1, 1}))).isEqualTo(new LogAxis(0, 1));
        assertThat(LogAxis.fitting(List.of(new double[]{1000}))).isEqualTo(new LogAxis(3, 4));
        assertThat(LogAxis.fitting(List.of(new double[]{0.5, 0.7}))).isEqualTo(new LogAxis(-1, 0));
        // nothing plottable (no deliveries at all)
        assertThat(LogAxis.fitting(List.of(new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}))).isEqualTo(LogAxis.EMPTY);
        assertThat(LogAxis.fitting(List.of())).isEqualTo(LogAxis.EMPTY);
        assertThatThrownBy(() -> new LogAxis(2, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logAxisMapsDecadesEvenlyAndLabelsThemPlainly() {
        LogAxis a = new LogAxis(-2, 3);
        assertThat(a.fraction(0.01)).isEqualTo(0.0);
        assertThat(a.fraction(1)).isCloseTo(0.4, within(1e-12));
        assertThat(a.fraction(1000)).isCloseTo(1.0, within(1e-12));
        assertThat(a.fraction(Math.sqrt(10))).isCloseTo(0.5, within(1e-12)); // half a decade above 1
        assertThat(a.ticks()).containsExactly(0.01, 0.1, 1.0, 10.0, 100.0, 1000.0);
        assertThat(a.ticks().stream().map(LogAxis::label)).containsExactly("0.01", "0.1", "1", "10", "100", "1000");
        assertThat(new LogAxis(-3, -2).ticks().stream().map(LogAxis::label)).containsExactly("0.001", "0.01");
        assertThat(LogAxis.plottable(0)).isFalse();
        assertThat(LogAxis.plottable(1e-9)).isTrue();
    }

    @Test
    void timeTicksFallOnWholeRoundSeconds() {
        assertThat(HtmlChart.timeTicks(0, 7)).containsExactly(0.0, 2.0, 4.0, 6.0);
        assertThat(HtmlChart.timeTicks(0, 3)).containsExactly(0.0, 1.0, 2.0, 3.0);
        assertThat(HtmlChart.timeTicks(0, 90)).containsExactly(0.0, 20.0, 40.0, 60.0, 80.0);
        assertThat(HtmlChart.timeTicks(12, 40)).containsExactly(15.0, 20.0, 25.0, 30.0, 35.0, 40.0);
        assertThat(HtmlChart.timeTicks(0, 1)).containsExactly(0.0, 1.0);
    }

    @Test
    void niceCeilingsRoundUpToReadableAxisMaxima() {
        assertThat(HtmlChart.niceCeiling(0)).isEqualTo(1);
        assertThat(HtmlChart.niceCeiling(250_100)).isEqualTo(500_000);
        assertThat(HtmlChart.niceCeiling(180)).isEqualTo(200);
        assertThat(HtmlChart.niceCeiling(2.3)).isEqualTo(2.5);
        assertThat(HtmlChart.niceCeiling(1000)).isEqualTo(1000);
    }
}
