package dev.parley.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds a seed input in the layout {@link FuzzInput} reads: front bytes, then back numbers reversed. */
final class SeedWriter {

    private final ByteArrayOutputStream front = new ByteArrayOutputStream();
    private final ByteArrayOutputStream back = new ByteArrayOutputStream();

    SeedWriter small(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("small value " + value);
        }
        back.write(value);
        return this;
    }

    SeedWriter medium(int value) {
        if (value < 0 || value > 65_535) {
            throw new IllegalArgumentException("medium value " + value);
        }
        return small(value >> 8).small(value & 0xff);
    }

    SeedWriter flag(boolean value) {
        return small(value ? 1 : 0);
    }

    SeedWriter bytes(byte[] b) {
        front.writeBytes(b);
        return this;
    }

    SeedWriter text(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return small(utf8.length).bytes(utf8);
    }

    byte[] build() {
        byte[] numbers = back.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(front.toByteArray());
        for (int i = numbers.length - 1; i >= 0; i--) {
            out.write(numbers[i]);
        }
        return out.toByteArray();
    }
}
