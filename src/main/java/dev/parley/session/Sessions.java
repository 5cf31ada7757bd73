package dev.parley.session;

import dev.parley.direct.DirectService;
import dev.parley.metrics.ServerMetrics;
import dev.parley.moderation.ModerationService;
import dev.parley.room.RoomService;
import io.netty.channel.ChannelHandler;

/**
 * What all sessions of a server share, and the factory of each connection's session handler:
 * the one thing a transport needs from this package, whatever framing (TCP, WebSocket) or
 * encryption it puts in front. Immutable; safe from any thread.
 */
public final class Sessions {

    private final LoginFlow logins;
    private final RoomService rooms;
    private final DirectService direct;
    private final ServerMetrics metrics;
    private final SessionPolicies policies;
    private final GoingAway goingAway;
    /** Null without moderation: its requests get INVALID_REQUEST, no one is muted. */
    private final ModerationService moderation;

    /** Sessions without direct messages and moderation that never go away: tests of the session layer. */
    public Sessions(LoginFlow logins, RoomService rooms, ServerMetrics metrics, SessionPolicies policies) {
        this(logins, rooms, null, null, metrics, policies, new GoingAway());
    }

    /**
     * @param direct     direct messages, or null: their requests get INVALID_REQUEST
     * @param moderation kicks, mutes and the mute check of chat, or null: their requests get INVALID_REQUEST
     * @param goingAway  begun by the server's shutdown drain
     */
    public Sessions(LoginFlow logins, RoomService rooms, DirectService direct, ModerationService moderation,
                    ServerMetrics metrics, SessionPolicies policies, GoingAway goingAway) {
        this.moderation = moderation;
        this.logins = logins;
        this.rooms = rooms;
        this.direct = direct;
        this.metrics = metrics;
        this.policies = policies;
        this.goingAway = goingAway;
    }

    /** A handler for one new connection; it expects decoded protobuf messages as its input. */
    public ChannelHandler newHandler() {
        return new SessionHandler(logins, rooms, direct, moderation, metrics, policies, goingAway);
    }
}
