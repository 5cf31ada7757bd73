package dev.parley.account;

import dev.parley.content.Names;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.Result;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Checks credentials: a name and password, or (with auto-registration) a new name that is then
 * registered. Knows nothing of connections: the session applies the outcome.
 *
 * <p>Threads: {@link #authenticate} may be called from any thread and never blocks it; the
 * database and PBKDF2 run on the blocking executor, which completes the returned future.
 */
public final class LoginService {

    private static final Logger log = LoggerFactory.getLogger(LoginService.class);

    /** The answer to one login attempt: the account, or why not. */
    public record Outcome(Account account, Result result, String reason) {
        static Outcome ok(Account account) {
            return new Outcome(account, Result.OK, "");
        }

        static Outcome refused(Result result, String reason) {
            return new Outcome(null, result, reason);
        }

        public boolean ok() {
            return account != null;
        }
    }

    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final boolean autoRegister;
    private final Executor blocking;

    public LoginService(AccountStore accounts, PasswordHasher hasher, boolean autoRegister, Executor blocking) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.autoRegister = autoRegister;
        this.blocking = blocking;
    }

    /** Checks a login request; malformed ones and a full blocking queue are answered at once. */
    public CompletableFuture<Outcome> authenticate(LoginRequest req) {
        String reason = Names.checkPlayerName(req.getName());
        if (reason == null) {
            reason = Names.checkPassword(req.getPassword());
        }
        if (reason != null) {
            return CompletableFuture.completedFuture(Outcome.refused(Result.INVALID_REQUEST, reason));
        }
        try {
            return CompletableFuture.supplyAsync(() -> check(req.getName(), req.getPassword()), blocking);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(
                    Outcome.refused(Result.SERVER_BUSY, "too many logins in progress; try again shortly"));
        }
    }

    /** Blocking executor. */
    private Outcome check(String name, String password) {
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
                    return Outcome.ok(account); // just hashed: no need to verify
                }
                // a concurrent login registered the name first: verify against its password
            } else {
                return Outcome.refused(Result.INVALID_CREDENTIALS, "unknown name or wrong password");
            }
            if (!hasher.verify(password, account.passwordHash())) {
                return Outcome.refused(Result.INVALID_CREDENTIALS, "unknown name or wrong password");
            }
            return Outcome.ok(account);
        } catch (Exception e) {
            log.error("login of '{}' failed on the database", name, e);
            return Outcome.refused(Result.INTERNAL_ERROR, "the account store is unavailable");
        }
    }
}
