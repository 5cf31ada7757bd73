package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlChartTest {

    @Test
    void drawsBothChartsInsideThePlotWithoutScripts() {
        List<Sample> samples = new ArrayList<>();
        for (int t = 1; t <= 20; t++) {
            samples.add(new Sample(t, t <= 5, 5_000, 250_000 + t * 100, 150 + t, 2_000 + t * 10));
        }
        String html = HtmlChart.render("title <&>", "sub", samples);
        assertThat(html).contains("title &lt;&amp;&gt;").doesNotContain("<script").doesNotContain("http://www.w3.org/1999/xhtml\"");
        assertThat(html.split("<svg ", -1)).hasSize(3);
        assertThat(html.split("<polyline", -1)).hasSize(5); // delivered, sent, p50, p99
        // one warmup band per chart, covering seconds 0..5 of 0..20: a quarter of the 800 px plot
        Matcher band = Pattern.compile("<rect x=\"80.0\" y=\"30\" width=\"200.0\"").matcher(html);
        int bands = 0;
        while (band.find()) {
            bands++;
        }
        assertThat(bands).isEqualTo(2);
        Matcher points = Pattern.compile("(\\d+\\.\\d),(\\d+\\.\\d)").matcher(html);
        int n = 0;
        while (points.find()) {
            double x = Double.parseDouble(points.group(1));
            double y = Double.parseDouble(points.group(2));
            assertThat(x).isBetween(80.0, 880.0);
            assertThat(y).isBetween(30.0, 240.0);
            n++;
        }
        assertThat(n).isEqualTo(4 * 20);
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
