package dev.parley.client;

import java.time.Duration;

/** No reply came within the client's reply timeout ({@link ClientConfig#replyTimeout()}, or the login timeout). */
public final class ReplyTimeoutException extends ParleyException {

    ReplyTimeoutException(Duration timeout) {
        super("no reply from the server within " + ClientConfig.seconds(timeout), null);
    }
}
