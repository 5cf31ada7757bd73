package dev.parley.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import java.nio.charset.StandardCharsets;

/**
 * The few ways the fuzz targets read their input, kept to two primitives of
 * {@link FuzzedDataProvider} whose byte layout is simple: small numbers are single bytes taken
 * from the back of the input, byte strings are taken from the front. {@link SeedWriter} builds
 * seeds in exactly this layout, so hand-made seeds mean what their names say.
 */
final class FuzzInput {

    private final FuzzedDataProvider data;

    FuzzInput(FuzzedDataProvider data) {
        this.data = data;
    }

    /** 0..max (max at most 255), from one byte at the back; 0 once the input is used up. */
    int small(int max) {
        return data.consumeInt(0, max);
    }

    /** 0..max (max at most 65535), from two bytes at the back, high byte first. */
    int medium(int max) {
        int high = small(255);
        int low = small(255);
        return ((high << 8) | low) % (max + 1);
    }

    boolean flag() {
        return small(1) == 1;
    }

    /** Up to {@code n} bytes from the front; fewer when the input runs out. */
    byte[] bytes(int n) {
        return data.consumeBytes(n);
    }

    /** Up to {@code maxBytes} bytes from the front read as UTF-8: any string, malformed input included. */
    String text(int maxBytes) {
        return new String(bytes(small(maxBytes)), StandardCharsets.UTF_8);
    }

    byte[] rest() {
        return data.consumeRemainingAsBytes();
    }

    boolean isEmpty() {
        return data.remainingBytes() == 0;
    }
}
