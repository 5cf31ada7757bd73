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
 * registered. Knows nothing of connections: the session applies the outcome. Names are taken
 * in their NFKC form and checked by {@link Names}; a new name whose look-alike skeleton
 * ({@link Names#skeleton}) belongs to another account is not registered, while the existing
 * account keeps logging in by its exact name or any case variant.
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

    private static final String WRONG_CREDENTIALS = "unknown name or wrong password";

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
        String name = Names.normalise(req.getName());
        String reason = Names.checkPlayerName(name);
        if (reason == null) {
            reason = Names.checkPassword(req.getPassword());
        }
        if (reason != null) {
            return CompletableFuture.completedFuture(Outcome.refused(Result.INVALID_REQUEST, reason));
        }
        try {
            return CompletableFuture.supplyAsync(() -> check(req.getName(), name, req.getPassword()), blocking);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(
                    Outcome.refused(Result.SERVER_BUSY, "too many logins in progress; try again shortly"));
        }
    }

    /**
     * Blocking executor. {@code name} is the NFKC form of {@code given}, the form new accounts
     * get; an account stored before names were normalised is still found by its own spelling.
     */
    private Outcome check(String given, String name, String password) {
        try {
            Optional<Account> found = given.equals(name) ? Optional.empty() : accounts.find(given);
            if (found.isEmpty()) {
                found = accounts.find(name);
            }
            Account account;
            if (found.isPresent()) {
                account = found.get();
            } else {
                String skeleton = Names.skeleton(name);
                if (!autoRegister || accounts.findBySkeleton(skeleton).isPresent()) {
                    return refusedLookAlike();
                }
                String hash = hasher.hash(password);
                account = accounts.createOrGet(name, skeleton, hash);
                if (!AccountStore.nameKey(account.name()).equals(AccountStore.nameKey(name))) {
                    return refusedLookAlike(); // a concurrent login registered a look-alike first
                }
                if (account.passwordHash().equals(hash)) {
                    log.info("registered player:{} ({})", account.id(), account.name());
                    return Outcome.ok(account); // just hashed: no need to verify
                }
                // a concurrent login registered the name first: verify against its password
            }
            if (!hasher.verify(password, account.passwordHash())) {
                return Outcome.refused(Result.INVALID_CREDENTIALS, WRONG_CREDENTIALS);
            }
            return Outcome.ok(account);
        } catch (Exception e) {
            log.error("login of '{}' failed on the database", name, e);
            return Outcome.refused(Result.INTERNAL_ERROR, "the account store is unavailable");
        }
    }

    /**
     * An unknown name that cannot be registered. Without auto-registration it is answered like
     * any unknown name, so that the answer does not tell which look-alikes exist.
     */
    private Outcome refusedLookAlike() {
        return autoRegister
                ? Outcome.refused(Result.INVALID_REQUEST, "name looks like an existing player's name; choose another")
                : Outcome.refused(Result.INVALID_CREDENTIALS, WRONG_CREDENTIALS);
    }
}
