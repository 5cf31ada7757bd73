package dev.parley.client.console;

import dev.parley.protocol.Frames;

import java.time.Duration;

/**
 * Settings of the console client.
 *
 * @param host          server address
 * @param port          server port
 * @param name          player name, or null to ask for it
 * @param password      password, or null to ask for it
 * @param maxFrameBytes largest frame the server takes from a client (its --max-frame); longer chat
 *                      is refused locally, because the server would close the connection for it
 * @param replyTimeout  how long a scripted command waits for its reply
 * @param drainTimeout  how long the client waits at the end of input for a reply still outstanding
 * @param reconnectFor  how long the client keeps trying to reconnect after the connection was lost;
 *                      zero turns reconnecting after a loss off ({@code /reconnect} then tries once)
 */
public record ClientOptions(String host, int port, String name, String password, int maxFrameBytes,
                            Duration replyTimeout, Duration drainTimeout, Duration reconnectFor) {

    /** The default of {@link #reconnectFor}: long enough for a server restart. */
    public static final Duration DEFAULT_RECONNECT_FOR = Duration.ofMinutes(1);

    public ClientOptions {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 1-65535, was " + port);
        }
        if (maxFrameBytes < 64 || maxFrameBytes > Frames.MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("--max-frame must be 64-" + Frames.MAX_FRAME_LENGTH + ", was " + maxFrameBytes);
        }
        if (reconnectFor.isNegative()) {
            throw new IllegalArgumentException("--reconnect-for must not be negative, was " + reconnectFor);
        }
    }

    /** The defaults: the server's default frame limit, 5 s per reply, 1.5 s to drain at the end, 1 min to reconnect. */
    public static ClientOptions of(String host, int port, String name, String password) {
        return new ClientOptions(host, port, name, password, Frames.DEFAULT_MAX_CLIENT_FRAME,
                Duration.ofSeconds(5), Duration.ofMillis(1500), DEFAULT_RECONNECT_FOR);
    }

    public ClientOptions withMaxFrameBytes(int bytes) {
        return new ClientOptions(host, port, name, password, bytes, replyTimeout, drainTimeout, reconnectFor);
    }

    public ClientOptions withReconnectFor(Duration duration) {
        return new ClientOptions(host, port, name, password, maxFrameBytes, replyTimeout, drainTimeout, duration);
    }
}
