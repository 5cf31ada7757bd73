package dev.parley.cli;

import dev.parley.loadgen.Durations;
import picocli.CommandLine;

import java.time.Duration;

/** picocli's face of {@link Durations}: {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    public static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    @Override
    public Duration convert(String value) {
        return parse(value);
    }
}
