package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PayloadMixTest {

    @Test
    void parsesTheOriginalProfile() {
        PayloadMix mix = PayloadMix.parse("64:80,256:18,1024-2048:2");
        assertThat(mix.entries()).containsExactly(new PayloadMix.Entry(64, 64, 80), new PayloadMix.Entry(256, 256, 18),
                new PayloadMix.Entry(1024, 2048, 2));
        assertThat(mix.maxSize()).isEqualTo(2048);
        assertThat(mix.meanSize()).isCloseTo(0.8 * 64 + 0.18 * 256 + 0.02 * 1536, within(1e-9));
        assertThat(mix).hasToString("64:80,256:18,1024-2048:2");
    }

    @Test
    void picksSizesByWeight() {
        PayloadMix mix = PayloadMix.parse("64:80,256:18,1024-2048:2");
        assertThat(mix.size(0.0, 0.5)).isEqualTo(64);
        assertThat(mix.size(0.7999, 0.5)).isEqualTo(64);
        assertThat(mix.size(0.8001, 0.5)).isEqualTo(256);
        assertThat(mix.size(0.99, 0.0)).isEqualTo(1024);
        assertThat(mix.size(0.99, 0.999999)).isEqualTo(2048);

        Random rnd = new Random(42);
        int[] counts = new int[3];
        for (int i = 0; i < 100_000; i++) {
            int s = mix.size(rnd.nextDouble(), rnd.nextDouble());
            assertThat(s).isBetween(64, 2048);
            counts[s == 64 ? 0 : s == 256 ? 1 : 2]++;
        }
        assertThat(counts[0] / 1000.0).isCloseTo(80, within(1.0));
        assertThat(counts[1] / 1000.0).isCloseTo(18, within(1.0));
        assertThat(counts[2] / 1000.0).isCloseTo(2, within(0.5));
    }

    @Test
    void acceptsUnitsAndRelativeWeights() {
        PayloadMix mix = PayloadMix.parse(" 1KB:1 , 2k-4k:3 ,10B:1%");
        assertThat(mix.entries()).containsExactly(new PayloadMix.Entry(1024, 1024, 1),
                new PayloadMix.Entry(2048, 4096, 3), new PayloadMix.Entry(10, 10, 1));
        assertThat(mix.size(0.1, 0)).isEqualTo(1024);
        assertThat(mix.size(0.5, 0)).isEqualTo(2048);
        assertThat(mix.size(0.9, 0)).isEqualTo(10);
    }

    @Test
    void rejectsMalformedSpecsWithTheReason() {
        assertThatThrownBy(() -> PayloadMix.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PayloadMix.parse("64")).hasMessageContaining("no ':WEIGHT'");
        assertThatThrownBy(() -> PayloadMix.parse("abc:1")).hasMessageContaining("not SIZE[-MAX]:WEIGHT");
        assertThatThrownBy(() -> PayloadMix.parse("64:0")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> PayloadMix.parse("200-100:1")).hasMessageContaining("1 <= SIZE <= MAX");
        assertThatThrownBy(() -> PayloadMix.parse("0:1")).hasMessageContaining("1 <= SIZE <= MAX");
        assertThatThrownBy(() -> PayloadMix.parse("70000:1")).hasMessageContaining("60000");
    }
}
