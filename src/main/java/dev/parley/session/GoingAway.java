package dev.parley.session;

import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.GoingAwayNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;

/**
 * Whether this server is going away (its shutdown drain has begun), and what connections are
 * told then: each connection opened during the drain gets the {@link GoingAwayNotify} at once,
 * and every login gets {@code SERVER_BUSY} with a {@code retry_after_ms}, since a player logged
 * in now would be closed again within the drain. Begun once, by the server's shutdown, on any
 * thread; read by every connection's event loop (one volatile field).
 */
public final class GoingAway {

    private record State(GoingAwayNotify notice, ErrorNotify loginRefusal) {
    }

    private volatile State state;

    /**
     * From now on the server is going away.
     *
     * @param retryAfterMs what a refused login is told to wait: the rest of the drain and the
     *                     notice's reconnect delay, when another server (or this one restarted)
     *                     may take it
     */
    public void begin(GoingAwayNotify notice, long retryAfterMs) {
        ErrorNotify refusal = ErrorNotify.newBuilder().setResult(Result.SERVER_BUSY)
                .setReason("the server is shutting down (" + notice.getReason() + "); log in again later")
                .setRequestType(MsgType.LOGIN_REQUEST)
                .setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, Math.max(0, retryAfterMs))).build();
        state = new State(notice, refusal);
    }

    /** The notice, or null while the server is not going away. */
    public GoingAwayNotify notice() {
        State s = state;
        return s == null ? null : s.notice();
    }

    /** The answer to a login while going away, or null while the server is not. */
    ErrorNotify loginRefusal() {
        State s = state;
        return s == null ? null : s.loginRefusal();
    }
}
