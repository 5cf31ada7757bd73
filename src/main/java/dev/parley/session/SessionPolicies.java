package dev.parley.session;

import java.time.Duration;

/**
 * The connection policies every session applies; validated and given their defaults by the
 * server's configuration ({@code ServerConfig.Connections}).
 *
 * @param rateLimit       requests a connection may send per second (token bucket, burst twice
 *                        that); 0 = unlimited
 * @param abuseGrace      how long a connection may keep sending over its rate before it is closed
 * @param slowReaderGrace how long a connection may stay above the write high-water mark before
 *                        it counts as not reading and is closed
 * @param maxPendingBytes unsent bytes a connection may hold; past it, it is closed at once
 * @param loginTimeout    how long a new connection has to log in
 * @param idleTimeout     how long a logged-in connection may send nothing (not even a ping)
 * @param duplicateLogin  what a login for a name that is online on another connection does
 */
public record SessionPolicies(int rateLimit, Duration abuseGrace, Duration slowReaderGrace, long maxPendingBytes,
                              Duration loginTimeout, Duration idleTimeout, DuplicateLogin duplicateLogin) {

    /** What a second login for an online name does. */
    public enum DuplicateLogin {
        /** The new login takes over: the old connection gets {@code SESSION_REPLACED} and closes. */
        REPLACE,
        /** The new login is refused with {@code ALREADY_LOGGED_IN}; the old connection keeps working. */
        REFUSE
    }
}
