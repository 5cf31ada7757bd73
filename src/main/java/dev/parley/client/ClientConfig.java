package dev.parley.client;

import dev.parley.protocol.Frames;
import dev.parley.protocol.Heartbeat;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ParleyClient}; build one with {@link #builder(String, int)}.
 *
 * @param host             server address
 * @param port             server port
 * @param name             player name; null with a {@code token}
 * @param password         password (also used to log in again after a reconnect); null with a {@code token}
 * @param replyTimeout     how long a request waits for its reply once sent
 * @param loginTimeout     how long a login waits: password hashing is deliberately slow and queued on a busy server
 * @param maxFrameBytes    the largest frame the server takes from a client (its {@code --max-frame}); longer
 *                         chat is refused locally, because the server would close the connection for it
 * @param reconnect        how a lost connection is restored
 * @param retryFirstLogin  whether the first login, too, is retried on the reconnect schedule while the server
 *                         refuses the name as online: for a bot restarting right after a crash, whose old
 *                         session the server has not dropped yet. Off, a name online elsewhere fails at once.
 * @param heartbeat        a {@code PingRequest} after this long without sending; zero = never
 * @param tls              TLS or plain TCP ({@link TlsOptions#OFF}, the default)
 * @param token            instead of name and password: a token from the game's backend (see the server's
 *                         {@code --token-hmac-secret-file}); null = log in with name and password. Either way,
 *                         reconnects log in with the session token the server gave the last login, and fall
 *                         back to these credentials only when it is refused (expired, another database)
 */
public record ClientConfig(String host, int port, String name, String password, Duration replyTimeout,
                           Duration loginTimeout, int maxFrameBytes, ReconnectPolicy reconnect,
                           boolean retryFirstLogin, Duration heartbeat, TlsOptions tls,
                           String token) {

    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(15);
    /**
     * A {@code PingRequest} after this long without sending: a third of the server's default
     * idle timeout (45 s), as the protocol asks.
     */
    public static final Duration DEFAULT_HEARTBEAT = Heartbeat.DEFAULT_INTERVAL;

    public ClientConfig {
        Objects.requireNonNull(host, "host");
        if (token == null) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        } else if (name != null || password != null) {
            throw new IllegalArgumentException("log in with a token, or a name and password, not both");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        if (maxFrameBytes < 64 || maxFrameBytes > Frames.MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameBytes must be 64-" + Frames.MAX_FRAME_LENGTH + ", was " + maxFrameBytes);
        }
        if (replyTimeout.isNegative() || replyTimeout.isZero() || loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        Objects.requireNonNull(reconnect, "reconnect");
        if (heartbeat == null || heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat must be zero (off) or positive");
        }
        Objects.requireNonNull(tls, "tls");
    }

    /** A builder with the defaults: 5 s per reply, 15 s per login, the server's default frame limit, {@link ReconnectPolicy#defaults()}. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** {@code 5 s}, {@code 1.5 s}: how durations appear in messages. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    /** Collects the settings; {@link #name} and {@link #password}, or a {@link #token}, are required. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String name;
        private String password;
        private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
        private Duration loginTimeout = DEFAULT_LOGIN_TIMEOUT;
        private int maxFrameBytes = Frames.DEFAULT_MAX_CLIENT_FRAME;
        private ReconnectPolicy reconnect = ReconnectPolicy.defaults();
        private boolean retryFirstLogin;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private TlsOptions tls = TlsOptions.OFF;
        private String token;

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder replyTimeout(Duration timeout) {
            this.replyTimeout = timeout;
            return this;
        }

        public Builder loginTimeout(Duration timeout) {
            this.loginTimeout = timeout;
            return this;
        }

        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = policy;
            return this;
        }

        public Builder retryFirstLogin(boolean retry) {
            this.retryFirstLogin = retry;
            return this;
        }

        /** How long the client may send nothing before it pings; zero turns the heartbeat off. */
        public Builder heartbeat(Duration interval) {
            this.heartbeat = interval;
            return this;
        }

        /** TLS: e.g. {@link TlsOptions#DEFAULT}, or {@link TlsOptions#trusting} a CA file (default: plain TCP). */
        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        /** Log in with a token from the game's backend instead of a name and password. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public ClientConfig build() {
            return new ClientConfig(host, port, name, password, replyTimeout, loginTimeout, maxFrameBytes, reconnect,
                    retryFirstLogin, heartbeat, tls, token);
        }
    }
}
