package dev.parley.session;

import dev.parley.account.LoginService;
import dev.parley.account.Presence;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.store.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The login gate of a connection: one login per connection, credentials checked off the event
 * loop by {@link LoginService}, the outcome applied back on the connection's loop, where the
 * name is claimed in {@link Presence} (a name online elsewhere gets {@code ALREADY_LOGGED_IN}
 * and the first session keeps working) and the session is bound. Shared by all connections of
 * a server; every method runs on the session's event loop. The client's IP address goes with
 * each check, for the per-address login limits, and refusals by a policy are counted.
 */
public final class LoginFlow {

    private static final Logger log = LoggerFactory.getLogger(LoginFlow.class);

    private final LoginService logins;
    private final Presence presence;
    private final ServerMetrics metrics;

    public LoginFlow(LoginService logins, Presence presence, ServerMetrics metrics) {
        this.logins = logins;
        this.presence = presence;
        this.metrics = metrics;
    }

    void login(ClientSession s, LoginRequest req) {
        if (s.isLoggedIn() || s.loginPending()) {
            s.send(failure(Result.ALREADY_LOGGED_IN, "this connection is logged in already"));
            return;
        }
        s.loginPending(true);
        logins.authenticate(req, sourceAddress(s)).thenAccept(outcome -> {
            if (s.loop().inEventLoop()) {
                complete(s, outcome);
            } else {
                s.loop().execute(() -> complete(s, outcome));
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

    private void complete(ClientSession s, LoginService.Outcome outcome) {
        s.loginPending(false);
        if (!s.channel().isActive()) {
            return;
        }
        if (!outcome.ok()) {
            metrics.login(false);
            if (outcome.refusal() != null) {
                metrics.loginRefused(outcome.refusal());
            }
            s.send(failure(outcome.result(), outcome.reason()));
            return;
        }
        Account account = outcome.account();
        if (!presence.claim(account.name(), s)) {
            metrics.login(false);
            s.send(failure(Result.ALREADY_LOGGED_IN, account.name() + " is online already"));
            return;
        }
        s.bind(account.id(), account.name());
        metrics.login(true);
        log.debug("[{}] logged in from {}", s, s.channel().remoteAddress());
        s.send(LoginResponse.newBuilder().setResult(Result.OK).setPlayerId(account.id())
                .setName(account.name()).build());
    }

    private static LoginResponse failure(Result result, String reason) {
        return LoginResponse.newBuilder().setResult(result).setReason(reason).build();
    }
}
