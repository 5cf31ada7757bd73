package dev.parley.account;

import dev.parley.content.Names;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.Result;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks credentials: a name and password, or (with auto-registration) a new name that is then
 * registered. Knows nothing of connections: the session applies the outcome.
 *
 * <p>Before anything is queued, the {@link LoginThrottle} may refuse the attempt
 * ({@code RATE_LIMITED}, with "retry in N s" in the reason) and the database breaker may
 * ({@code SERVER_BUSY} while the database is unreachable); a full hashing queue answers
 * {@code SERVER_BUSY} at once. So refused guesses cost no PBKDF2 and no database call.
 *
 * <p>Threads: {@link #authenticate} may be called from any thread and never blocks it; the
 * database and PBKDF2 run on the hashing executor (small, bounded, of its own so a flood of
 * logins cannot fill the pool history reads use), which completes the returned future.
 */
public final class LoginService {

    private static final Logger log = LoggerFactory.getLogger(LoginService.class);
    /** New accounts are logged beside the logins (session.LoginFlow), under their logger. */
    private static final Logger logins = LoggerFactory.getLogger("parley.login");
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /**
     * The answer to one login attempt: the account, or why not.
     *
     * @param refusal for a login refused by a policy, its tag for the metrics (see
     *                {@link LoginThrottle.Reason#tag()}, {@link #HASH_QUEUE}, {@link #DATABASE}); else null
     */
    public record Outcome(Account account, Result result, String reason, String refusal) {
        /** {@link #refusal}: the hashing queue was full. */
        public static final String HASH_QUEUE = "hash_queue";
        /** {@link #refusal}: the database was unreachable. */
        public static final String DATABASE = "database";

        static Outcome ok(Account account) {
            return new Outcome(account, Result.OK, "", null);
        }

        static Outcome refused(Result result, String reason) {
            return new Outcome(null, result, reason, null);
        }

        static Outcome throttled(LoginThrottle.Refusal r) {
            return new Outcome(null, Result.RATE_LIMITED, r.message(), r.reason().tag());
        }

        public boolean ok() {
            return account != null;
        }
    }

    private static final String WRONG_CREDENTIALS = "unknown name or wrong password";
    private static final Outcome QUEUE_FULL = new Outcome(null, Result.SERVER_BUSY,
            "too many logins in progress; try again shortly", Outcome.HASH_QUEUE);
    private static final Outcome DB_DOWN = new Outcome(null, Result.SERVER_BUSY,
            "the account store is unavailable; try again shortly", Outcome.DATABASE);

    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final boolean autoRegister;
    private final Executor hashing;
    private final LoginThrottle throttle;
    private final CircuitBreaker database;
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong nextRefusalLog = new AtomicLong(System.nanoTime());
    private volatile boolean databaseFailureLogged;

    /** Without login throttling or a database breaker (tests of the session layer). */
    public LoginService(AccountStore accounts, PasswordHasher hasher, boolean autoRegister, Executor hashing) {
        this(accounts, hasher, autoRegister, hashing,
                new LoginThrottle(new LoginThrottle.Policy(0, 0, Duration.ofMinutes(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), 0, 0), System::nanoTime),
                CircuitBreaker.ofDefaults("accounts"));
    }

    /**
     * @param hashing  runs the account read and PBKDF2; a bounded queue, whose rejection is SERVER_BUSY
     * @param throttle the abuse policy, checked before {@code hashing} is given the attempt
     * @param database the breaker guarding the account reads and writes
     */
    public LoginService(AccountStore accounts, PasswordHasher hasher, boolean autoRegister, Executor hashing,
                        LoginThrottle throttle, CircuitBreaker database) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.autoRegister = autoRegister;
        this.hashing = hashing;
        this.throttle = throttle;
        this.database = database;
    }

    /** {@link #authenticate(LoginRequest, String)} from an unknown address. */
    public CompletableFuture<Outcome> authenticate(LoginRequest req) {
        return authenticate(req, "unknown");
    }

    /**
     * Checks a login request from {@code address} (the client's IP address, the key of the
     * per-address limits); malformed, throttled ones, a full hashing queue and an unreachable
     * database are answered at once.
     */
    public CompletableFuture<Outcome> authenticate(LoginRequest req, String address) {
        String name = Names.normalise(req.getName());
        String reason = Names.checkPlayerName(name);
        if (reason == null) {
            reason = Names.checkPassword(req.getPassword());
        }
        if (reason != null) {
            return CompletableFuture.completedFuture(Outcome.refused(Result.INVALID_REQUEST, reason));
        }
        LoginThrottle.Decision decision = throttle.tryAcquire(name, address);
        if (!decision.allowed()) {
            return CompletableFuture.completedFuture(throttled(decision.refusal()));
        }
        LoginThrottle.Attempt attempt = decision.attempt();
        if (!database.tryAcquirePermission()) {
            attempt.abandoned();
            return CompletableFuture.completedFuture(DB_DOWN);
        }
        try {
            return CompletableFuture.supplyAsync(() -> check(req.getName(), name, req.getPassword(), attempt), hashing);
        } catch (RejectedExecutionException e) {
            attempt.abandoned();
            database.releasePermission();
            return CompletableFuture.completedFuture(noted(QUEUE_FULL));
        }
    }

    private Outcome throttled(LoginThrottle.Refusal refusal) {
        return noted(Outcome.throttled(refusal));
    }

    /** Counts a refusal by the abuse limits; one summary line a minute at most, never one per attempt. */
    private Outcome noted(Outcome refused) {
        refusedSinceLog.incrementAndGet();
        long next = nextRefusalLog.get();
        long now = System.nanoTime();
        if (now - next >= 0 && nextRefusalLog.compareAndSet(next, now + LOG_EVERY_NANOS)) {
            log.warn("login limits: {} login(s) refused and {} lockout(s) begun since the last such line, e.g. {} ({})",
                    refusedSinceLog.getAndSet(0), throttle.takeLockouts(), refused.result(), refused.reason());
        }
        return refused;
    }

    /**
     * Hashing executor; holds one breaker permission, reported exactly once. {@code name} is the
     * NFKC form of {@code given}, the form new accounts get; an account stored before names were
     * normalised is still found by its own spelling.
     */
    private Outcome check(String given, String name, String password, LoginThrottle.Attempt attempt) {
        long start = System.nanoTime();
        boolean reported = false;
        try {
            if (database.getState() == CircuitBreaker.State.OPEN) {
                return DB_DOWN; // opened while this waited in the queue: no point waiting for a connection
            }
            Optional<Account> found = given.equals(name) ? Optional.empty() : accounts.find(given);
            if (found.isEmpty()) {
                found = accounts.find(name);
            }
            Account account;
            if (found.isPresent()) {
                reported = databaseOk(start);
                account = found.get();
            } else if (autoRegister) {
                String skeleton = Names.skeleton(name);
                if (accounts.findBySkeleton(skeleton).isPresent()) {
                    reported = databaseOk(start);
                    attempt.failed();
                    return refusedLookAlike();
                }
                LoginThrottle.Refusal refused = attempt.register();
                if (refused != null) {
                    reported = databaseOk(start);
                    return throttled(refused);
                }
                String hash = hasher.hash(password);
                account = accounts.createOrGet(name, skeleton, hash);
                reported = databaseOk(start);
                if (!AccountStore.nameKey(account.name()).equals(AccountStore.nameKey(name))) {
                    attempt.failed();
                    return refusedLookAlike(); // a concurrent login registered a look-alike first
                }
                if (account.passwordHash().equals(hash)) {
                    logins.atInfo().addKeyValue("event", "registered").addKeyValue("player", account.name())
                            .addKeyValue("player_id", account.id())
                            .log("registered player:{} ({})", account.id(), account.name());
                    attempt.succeeded();
                    return Outcome.ok(account); // just hashed: no need to verify
                }
                // a concurrent login registered the name first: verify against its password
            } else {
                reported = databaseOk(start);
                attempt.failed();
                return Outcome.refused(Result.INVALID_CREDENTIALS, WRONG_CREDENTIALS);
            }
            if (!hasher.verify(password, account.passwordHash())) {
                attempt.failed();
                return Outcome.refused(Result.INVALID_CREDENTIALS, WRONG_CREDENTIALS);
            }
            attempt.succeeded();
            return Outcome.ok(account);
        } catch (Exception e) {
            if (reported) {
                log.error("login of '{}' failed", name, e);
                return Outcome.refused(Result.INTERNAL_ERROR, "the login could not be checked");
            }
            reported = true;
            database.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            if (!databaseFailureLogged) {
                databaseFailureLogged = true;
                log.warn("logins cannot read the account store (logged once until it works again): {}", e.toString());
            }
            return DB_DOWN;
        } finally {
            attempt.abandoned(); // no-op when the attempt was decided above
            if (!reported) {
                database.releasePermission();
            }
        }
    }

    /**
     * An unknown name that cannot be registered because it looks like an existing one. Without
     * auto-registration it is answered like any unknown name, so that the answer does not tell
     * which look-alikes exist.
     */
    private Outcome refusedLookAlike() {
        return autoRegister
                ? Outcome.refused(Result.INVALID_REQUEST, "name looks like an existing player's name; choose another")
                : Outcome.refused(Result.INVALID_CREDENTIALS, WRONG_CREDENTIALS);
    }

    private boolean databaseOk(long start) {
        database.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        databaseFailureLogged = false;
        return true;
    }
}
