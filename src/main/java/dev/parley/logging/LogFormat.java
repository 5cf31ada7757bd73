package dev.parley.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Locale;

/**
 * How the server's log lines are written: {@code text} (logback.xml's pattern: ISO-8601 time
 * with zone offset, level, thread, logger, message, then {@code key=value} pairs) or
 * {@code json} (one object per line, {@link JsonLineEncoder}). Chosen by {@code --log-format}
 * (or {@code PARLEY_LOG_FORMAT}) and applied by the {@code server} command before the server
 * writes its first line. Call from one thread, at startup.
 */
public enum LogFormat {
    TEXT, JSON;

    /** Text: what a person at a terminal reads. */
    public static final LogFormat DEFAULT = TEXT;

    /** The option's spelling: {@code text} or {@code json}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code text} or {@code json}, any case; anything else is an {@link IllegalArgumentException}. */
    public static LogFormat parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (LogFormat f : values()) {
            if (f.cliName().equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("log-format must be text or json, not '" + value + "'");
    }

    /**
     * Makes every appender of the root logger that writes a stream (the console) use this
     * format. Text keeps the configured pattern; JSON replaces the encoder. Does nothing when
     * SLF4J is not bound to logback (an embedding application configures its own logging).
     */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream) {
                JsonLineEncoder json = new JsonLineEncoder();
                json.setContext(context);
                json.start();
                stream.stop();
                stream.setEncoder(json);
                stream.start();
            }
        }
    }
}
