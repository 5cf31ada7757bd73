package dev.parley.testing;

import com.google.protobuf.MessageLite;

/** A test client of any transport (TCP, WebSocket binary or JSON): what {@link Chat} needs of it. */
public interface ChatClient {

    void send(MessageLite message);

    /** The next message of {@code type}, skipping others. */
    <T extends MessageLite> T expectSkipping(Class<T> type);
}
