package dev.parley.session;

import dev.parley.account.LoginService;
import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.direct.DirectService;
import dev.parley.logging.LogLimiter;
import dev.parley.logging.LogText;
import dev.parley.metrics.ServerMetrics;
import dev.parley.moderation.ModerationService;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.session.SessionPolicies.DuplicateLogin;
import dev.parley.store.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The login gate of a connection: one login per connection, credentials checked off the event
 * loop by {@link LoginService}, the outcome applied back on the connection's loop, where the
 * name is claimed in {@link Presence} and the session is bound.
 *
 * <p>A name that is online on another connection is taken over ({@link DuplicateLogin#REPLACE},
 * the default): the old connection gets {@code SESSION_REPLACED} and closes, and the new login
 * is answered only once the old session has left its rooms, so a room sees the old member leave
 * before the new one can join, never both. With {@link DuplicateLogin#REFUSE} the new login gets
 * {@code ALREADY_LOGGED_IN} and the first session keeps working.
 *
 * <p>The client's IP address goes with each check, for the per-address login limits, and
 * refusals by a policy are counted. Shared by all connections of a server; every method runs on
 * the session's event loop.
 */
public final class LoginFlow {

    private static final Logger log = LoggerFactory.getLogger(LoginFlow.class);
    /**
     * Logins and failed logins, at INFO, under a logger of their own that operators can route or
     * silence: the name asked for (cleaned, see {@link LogText}), the address and the reason;
     * never the password. Failed logins other than wrong credentials (malformed, throttled,
     * busy) can come as fast as a client sends them, so those are rate-limited.
     */
    private static final Logger LOGINS = LoggerFactory.getLogger("parley.login");
    private static final LogLimiter refusedLog = new LogLimiter(LOGINS, Duration.ofSeconds(1));

    /** How long a takeover waits for the old connection to close before it logs in anyway. */
    static final long TAKEOVER_WAIT_SECONDS = 2;

    private final LoginService logins;
    private final Presence presence;
    private final ServerMetrics metrics;
    private final DuplicateLogin duplicateLogin;
    /** Null without direct messages: a login then lists no conversations and blocks no one. */
    private final DirectService direct;
    /** Null without moderation: no one is banned. */
    private final ModerationService moderation;

    /** Logins without direct messages and moderation: tests of the session layer. */
    public LoginFlow(LoginService logins, Presence presence, ServerMetrics metrics, DuplicateLogin duplicateLogin) {
        this(logins, presence, metrics, duplicateLogin, null, null);
    }

    /**
     * @param direct     loads each login's conversations and block list before it is answered
     * @param moderation refuses the logins of banned players (checked in memory, on the loop)
     */
    public LoginFlow(LoginService logins, Presence presence, ServerMetrics metrics, DuplicateLogin duplicateLogin,
                     DirectService direct, ModerationService moderation) {
        this.moderation = moderation;
        this.logins = logins;
        this.presence = presence;
        this.metrics = metrics;
        this.duplicateLogin = duplicateLogin;
        this.direct = direct;
    }

    /** @param onLoggedIn runs on the session's loop once the session is logged in */
    void login(ClientSession s, LoginRequest req, Runnable onLoggedIn) {
        if (s.isLoggedIn() || s.loginPending()) {
            s.send(failure(Result.ALREADY_LOGGED_IN, "this connection is logged in already"));
            return;
        }
        s.loginPending(true);
        long started = System.nanoTime();
        String asked = req.getName();
        logins.authenticate(req, sourceAddress(s)).thenAccept(outcome -> {
            if (s.loop().inEventLoop()) {
                complete(s, asked, outcome, onLoggedIn, started);
            } else {
                s.loop().execute(() -> complete(s, asked, outcome, onLoggedIn, started));
            }
        });
    }

    /** The client's IP address: the key of the per-address login limits. */
    static String sourceAddress(ClientSession s) {
        SocketAddress remote = s.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(remote);
    }

    /** The connection closed. */
    void loggedOut(ClientSession s) {
        String name = s.name();
        if (name != null) {
            presence.release(name, s);
        }
    }

    private void complete(ClientSession s, String asked, LoginService.Outcome outcome, Runnable onLoggedIn,
                          long started) {
        metrics.loginLatency(System.nanoTime() - started);
        s.loginPending(false);
        if (!s.channel().isActive()) {
            return;
        }
        if (!outcome.ok()) {
            metrics.login(false);
            if (outcome.refusal() != null) {
                metrics.loginRefused(outcome.refusal());
            }
            failed(s, asked, outcome.result(), outcome.reason());
            s.send(failure(outcome.result(), outcome.reason()));
            return;
        }
        Account account = outcome.account();
        String banned = moderation == null ? null : moderation.loginRefusal(account.id());
        if (banned != null) {
            metrics.login(false);
            failed(s, asked, Result.BANNED, banned);
            s.send(failure(Result.BANNED, banned));
            return;
        }
        if (duplicateLogin == DuplicateLogin.REFUSE) {
            if (!presence.claim(account.name(), s)) {
                metrics.login(false);
                failed(s, asked, Result.ALREADY_LOGGED_IN, "online already");
                s.send(failure(Result.ALREADY_LOGGED_IN, account.name() + " is online already"));
                return;
            }
            loggedIn(s, outcome, onLoggedIn);
            return;
        }
        OnlinePlayer previous = presence.replace(account.name(), s);
        if (previous == null) {
            loggedIn(s, outcome, onLoggedIn);
            return;
        }
        metrics.sessionReplaced();
        log.debug("[{}] replaces its session on another connection", previous);
        s.loginPending(true); // until the old session is gone; a second login meanwhile is refused
        // a copy: the timeout must not complete the old session's own future for its other waiters
        previous.disconnect(Result.SESSION_REPLACED, "you logged in on another connection").copy()
                .completeOnTimeout(null, TAKEOVER_WAIT_SECONDS, TimeUnit.SECONDS)
                .thenRun(() -> s.loop().execute(() -> {
                    s.loginPending(false);
                    if (s.channel().isActive()) {
                        loggedIn(s, outcome, onLoggedIn);
                    } else {
                        presence.release(account.name(), s);
                    }
                }));
    }

    private void loggedIn(ClientSession s, LoginService.Outcome outcome, Runnable onLoggedIn) {
        Account account = outcome.account();
        if (direct == null) {
            loggedIn(s, outcome, onLoggedIn, DirectService.LoginState.NONE);
            return;
        }
        // The block list must be in place before the session is bound and joins any room.
        s.loginPending(true);
        direct.loginState(account.id()).whenComplete((state, failure) -> s.loop().execute(() -> {
            s.loginPending(false);
            if (state != null && s.channel().isActive()) {
                loggedIn(s, outcome, onLoggedIn, state);
                return;
            }
            presence.release(account.name(), s); // not bound: the close would not release it
            if (failure != null) {
                log.warn("[{}] login refused: {}", s, failure.toString());
                metrics.login(false);
                s.send(failure(Result.SERVER_BUSY, "the server is busy or its database unreachable; try again shortly"));
            }
        }));
    }

    private void loggedIn(ClientSession s, LoginService.Outcome outcome, Runnable onLoggedIn,
                          DirectService.LoginState state) {
        Account account = outcome.account();
        s.blockList(state.blocks());
        s.bind(account.id(), account.name(), outcome.roles());
        presence.bound(account.name(), s);
        onLoggedIn.run();
        metrics.login(true);
        String remote = sourceAddress(s);
        LOGINS.atInfo().addKeyValue("event", "login").addKeyValue("player", account.name())
                .addKeyValue("player_id", account.id()).addKeyValue("remote", remote)
                .log("{} logged in from {}", account.name(), remote);
        LoginResponse.Builder response = LoginResponse.newBuilder().setResult(Result.OK).setPlayerId(account.id())
                .setName(account.name()).addAllRoles(outcome.roles()).addAllConversations(state.conversations());
        if (outcome.session() != null) {
            response.setSessionToken(outcome.session().token()).setSessionExpiresMs(outcome.session().expiresAtMs());
        }
        s.send(response.build());
    }

    /** Logs a failed login: each wrong password (the lockouts bound those), the others rate-limited. */
    private static void failed(ClientSession s, String asked, Result result, String reason) {
        String player = LogText.clean(asked);
        String remote = sourceAddress(s);
        Consumer<LoggingEventBuilder> line = b -> b.addKeyValue("event", "login_failed").addKeyValue("player", player)
                .addKeyValue("remote", remote).addKeyValue("result", result.name()).addKeyValue("reason", reason)
                .setMessage("login as " + player + " from " + remote + " failed: " + result + " (" + reason + ")");
        if (result == Result.INVALID_CREDENTIALS) {
            LoggingEventBuilder b = LOGINS.atInfo();
            line.accept(b);
            b.log();
        } else {
            refusedLog.info(line);
        }
    }

    private static LoginResponse failure(Result result, String reason) {
        return LoginResponse.newBuilder().setResult(result).setReason(reason).build();
    }
}
