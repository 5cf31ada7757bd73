package dev.parley.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.event.KeyValuePair;

import java.util.List;

/**
 * {@code %kv} in the text log pattern: an event's SLF4J key-values as {@code  key=value}
 * pairs, each after a space (nothing when there are none), a value in double quotes when it
 * is empty or holds a space, a quote, an equals sign or a control character. The same pairs
 * are fields of their own in JSON logs ({@link JsonLineEncoder}). Stateless; any thread.
 */
public final class KeyValuesConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs == null || pairs.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (KeyValuePair kv : pairs) {
            sb.append(' ').append(kv.key).append('=');
            appendValue(sb, String.valueOf(kv.value));
        }
        return sb.toString();
    }

    static void appendValue(StringBuilder sb, String value) {
        boolean quote = value.isEmpty();
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = Character.isWhitespace(c) || c == '"' || c == '=' || Character.isISOControl(c);
        }
        if (!quote) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(Character.isISOControl(c) ? '?' : c);
            }
        }
        sb.append('"');
    }
}
