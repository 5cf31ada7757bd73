package dev.parley.account;

import dev.parley.content.Names;
import dev.parley.session.ClientSession;

import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Login: credentials are checked on the blocking executor (database and PBKDF2 never run on an
 * event loop); the result is applied back on the session's event loop. A name is online at
 * most once: a second login with it gets {@code ALREADY_LOGGED_IN} and the first session keeps
 * working.
 */
public final class LoginService {

    private static final Logger log = LoggerFactory.getLogger(LoginService.class);

    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final boolean autoRegister;
    private final Executor blocking;
    private final ServerMetrics metrics;
    private final ConcurrentMap<String, ClientSession> online = new ConcurrentHashMap<>();

    public LoginService(AccountStore accounts, PasswordHasher hasher, boolean autoRegister,
                        Executor blocking, ServerMetrics metrics) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.autoRegister = autoRegister;
        this.blocking = blocking;
        this.metrics = metrics;
    }

    /** Event loop of {@code s}. */
    public void login(ClientSession s, LoginRequest req) {
        if (s.isLoggedIn() || s.loginPending()) {
            s.send(failure(Result.ALREADY_LOGGED_IN, "this connection is logged in already"));
            return;
        }
        String reason = Names.checkPlayerName(req.getName());
        if (reason == null) {
            reason = Names.checkPassword(req.getPassword());
        }
        if (reason != null) {
            s.send(failure(Result.INVALID_REQUEST, reason));
            return;
        }
        s.loginPending(true);
        try {
            blocking.execute(() -> {
                Outcome outcome = authenticate(req.getName(), req.getPassword());
                s.channel().eventLoop().execute(() -> complete(s, outcome));
            });
        } catch (RejectedExecutionException e) {
            s.loginPending(false);
            s.send(failure(Result.SERVER_BUSY, "too many logins in progress; try again shortly"));
        }
    }

    /** The connection closed. Event loop of {@code s}. */
    public void loggedOut(ClientSession s) {
        String name = s.name();
        if (name != null) {
            online.remove(AccountStore.nameKey(name), s);
        }
    }

    private record Outcome(Account account, Result result, String reason) {
    }

    /** Blocking executor. */
    private Outcome authenticate(String name, String password) {
        try {
            Optional<Account> found = accounts.find(name);
            Account account;
            if (found.isPresent()) {
                account = found.get();
            } else if (autoRegister) {
                String hash = hasher.hash(password);
                account = accounts.createOrGet(name, hash);
                if (account.passwordHash().equals(hash)) {
                    log.info("registered player:{} ({})", account.id(), account.name());
                    return new Outcome(account, Result.OK, ""); // just hashed: no need to verify
                }
                // a concurrent login registered the name first: verify against its password
            } else {
                return new Outcome(null, Result.INVALID_CREDENTIALS, "unknown name or wrong password");
            }
            if (!hasher.verify(password, account.passwordHash())) {
                return new Outcome(null, Result.INVALID_CREDENTIALS, "unknown name or wrong password");
            }
            return new Outcome(account, Result.OK, "");
        } catch (Exception e) {
            log.error("login of '{}' failed on the database", name, e);
            return new Outcome(null, Result.INTERNAL_ERROR, "the account store is unavailable");
        }
    }

    /** Event loop of {@code s}. */
    private void complete(ClientSession s, Outcome outcome) {
        s.loginPending(false);
        if (!s.channel().isActive()) {
            return;
        }
        if (outcome.account() == null) {
            metrics.login(false);
            s.send(failure(outcome.result(), outcome.reason()));
            return;
        }
        Account account = outcome.account();
        if (online.putIfAbsent(AccountStore.nameKey(account.name()), s) != null) {
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
