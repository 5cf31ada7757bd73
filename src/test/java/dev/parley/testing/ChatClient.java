package dev.parley.testing;

import com.google.protobuf.MessageLite;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client of any transport (TCP, WebSocket binary or JSON): requests go out, everything
 * received queues up in order. What {@link Chat} needs of a client.
 */
public interface ChatClient {

    void send(MessageLite message);

    /** The next message, failing after {@link TestClient#TIMEOUT}. */
    MessageLite next();

    /** The next message, which must be of {@code type}. */
    default <T extends MessageLite> T expect(Class<T> type) {
        MessageLite m = next();
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + m.getClass().getSimpleName() + ": " + m);
        }
        return type.cast(m);
    }

    /** The next message of {@code type}, skipping others. */
    default <T extends MessageLite> T expectSkipping(Class<T> type) {
        while (true) {
            MessageLite m = next();
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    /** Takes the next message of {@code inbox}, failing after {@link TestClient#TIMEOUT}. */
    static MessageLite take(BlockingQueue<MessageLite> inbox, boolean closed) {
        try {
            MessageLite m = inbox.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no message within " + TestClient.TIMEOUT + (closed ? " (connection closed)" : ""));
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
