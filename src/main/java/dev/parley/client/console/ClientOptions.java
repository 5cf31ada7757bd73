package dev.parley.client.console;

import dev.parley.client.ClientConfig;
import dev.parley.client.ReconnectPolicy;
import dev.parley.client.TlsOptions;
import dev.parley.protocol.Frames;

import java.time.Duration;

/**
 * Settings of the console client: the library's ({@link #toConfig}) and the console's own.
 *
 * @param host          server address
 * @param port          server port
 * @param name          player name, or null to ask for it
 * @param password      password, or null to ask for it
 * @param maxFrameBytes largest frame the server takes from a client (its --max-frame); longer chat
 *                      is refused locally, because the server would close the connection for it
 * @param replyTimeout  how long a command waits for its reply once sent (the library's reply timeout)
 * @param drainTimeout  how long the client waits at the end of input for a reply still outstanding
 * @param reconnectFor  how long the client keeps trying to reconnect after the connection was lost;
 *                      zero turns reconnecting after a loss off ({@code /reconnect} then tries once)
 * @param tls           TLS or plain TCP
 * @param token         a token from the game's backend to log in with instead of a name and password; null = none
 */
public record ClientOptions(String host, int port, String name, String password, int maxFrameBytes,
                            Duration replyTimeout, Duration drainTimeout, Duration reconnectFor, TlsOptions tls,
                            String token) {

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
        java.util.Objects.requireNonNull(tls, "tls");
    }

    /** The defaults: the library's (frame limit, reply timeout, reconnect time) and 1.5 s to drain at the end. */
    public static ClientOptions of(String host, int port, String name, String password) {
        return new ClientOptions(host, port, name, password, Frames.DEFAULT_MAX_CLIENT_FRAME,
                ClientConfig.DEFAULT_REPLY_TIMEOUT, Duration.ofMillis(1500), ReconnectPolicy.DEFAULT_GIVE_UP_AFTER,
                TlsOptions.OFF, null);
    }

    /**
     * The library's settings for a session as {@code name} (given, or asked for) with
     * {@code password}, or with the {@link #token} (name and password null then).
     */
    ClientConfig toConfig(String name, String password) {
        return ClientConfig.builder(host, port).name(name).password(password).token(token).replyTimeout(replyTimeout)
                .maxFrameBytes(maxFrameBytes).reconnect(ReconnectPolicy.giveUpAfter(reconnectFor)).tls(tls).build();
    }

    public ClientOptions withToken(String t) {
        return new ClientOptions(host, port, name, password, maxFrameBytes, replyTimeout, drainTimeout, reconnectFor, tls, t);
    }

    public ClientOptions withMaxFrameBytes(int bytes) {
        return new ClientOptions(host, port, name, password, bytes, replyTimeout, drainTimeout, reconnectFor, tls, token);
    }

    public ClientOptions withReconnectFor(Duration duration) {
        return new ClientOptions(host, port, name, password, maxFrameBytes, replyTimeout, drainTimeout, duration, tls,
                token);
    }

    public ClientOptions withTls(TlsOptions options) {
        return new ClientOptions(host, port, name, password, maxFrameBytes, replyTimeout, drainTimeout, reconnectFor,
                options, token);
    }
}
