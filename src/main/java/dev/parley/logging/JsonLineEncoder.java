package dev.parley.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * {@code --log-format json}: each event as one JSON object on a line of its own, for log
 * shippers. Fields: {@code time} (ISO-8601 with milliseconds and the zone offset, as in the
 * text format), {@code level}, {@code logger}, {@code thread}, {@code message}, then the
 * event's SLF4J key-values as fields of their own ({@code event}, {@code player},
 * {@code room}, {@code remote}, {@code reason}, {@code suppressed}, ...: numbers and booleans as
 * such, anything else as a string; a key that would replace one of the fixed fields is dropped),
 * and {@code error} with the stack trace when there is one. Thread-safe (the appender
 * serialises calls; each call writes into a buffer of its own).
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    /** The fixed fields; key-values of these names are left out rather than written twice. */
    static final Set<String> FIXED = Set.of("time", "level", "logger", "thread", "message", "error");
    private static final byte[] NOTHING = new byte[0];
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(event.getInstant()));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", event.getFormattedMessage());
            List<org.slf4j.event.KeyValuePair> pairs = event.getKeyValuePairs();
            if (pairs != null) {
                for (org.slf4j.event.KeyValuePair kv : pairs) {
                    if (kv.key != null && !FIXED.contains(kv.key)) {
                        writeValue(g, kv.key, kv.value);
                    }
                }
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                g.writeStringField("error", ThrowableProxyUtil.asString(error));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, String key, Object value) throws IOException {
        g.writeFieldName(key);
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            g.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(String.valueOf(value));
        }
    }
}
