package dev.parley.account;

import com.nimbusds.jwt.SignedJWT;
import dev.parley.content.Names;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.Result;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks credentials: a name and password, or (with auto-registration) a new name that is then
 * registered; or a token (see {@link TokenLogins}): a backend JWT, whose first login creates the
 * account linked to its {@code sub} and whose later ones update the name, or one of this
 * server's session tokens. Every successful login gets a new session token. Knows nothing of
 * connections: the session applies the outcome.
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
     * @param refusal for a login refused by a policy or a bad token, its tag for the metrics (see
     *                {@link LoginThrottle.Reason#tag()}, {@link TokenRejectedException.Kind#tag()},
     *                {@link #HASH_QUEUE}, {@link #DATABASE}); else null
     * @param roles   the player's roles (from a token); empty for password logins
     * @param session the session token issued with this login; null when refused or none are issued
     */
    public record Outcome(Account account, Result result, String reason, String refusal, List<String> roles,
                          SessionTokens.Issued session) {
        /** {@link #refusal}: the hashing queue was full. */
        public static final String HASH_QUEUE = "hash_queue";
        /** {@link #refusal}: the database was unreachable. */
        public static final String DATABASE = "database";

        static Outcome refused(Result result, String reason) {
            return refused(result, reason, null);
        }

        static Outcome refused(Result result, String reason, String refusal) {
            return new Outcome(null, result, reason, refusal, List.of(), null);
        }

        static Outcome throttled(LoginThrottle.Refusal r) {
            return refused(Result.RATE_LIMITED, r.message(), r.reason().tag());
        }

        public boolean ok() {
            return account != null;
        }
    }

    private static final String WRONG_CREDENTIALS = "unknown name or wrong password";
    private static final Outcome QUEUE_FULL = Outcome.refused(Result.SERVER_BUSY,
            "too many logins in progress; try again shortly", Outcome.HASH_QUEUE);
    private static final Outcome DB_DOWN = Outcome.refused(Result.SERVER_BUSY,
            "the account store is unavailable; try again shortly", Outcome.DATABASE);
    /** Longer than any sane JWT; a bigger one is refused before it is parsed. */
    public static final int MAX_TOKEN_CHARS = 8192;

    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final boolean autoRegister;
    private final Executor hashing;
    private final LoginThrottle throttle;
    private final CircuitBreaker database;
    private final TokenLogins tokens;
    private final Executor tokenChecks;
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
        this(accounts, hasher, autoRegister, hashing, throttle, database, TokenLogins.NONE);
    }

    /** @param tokens which tokens log in, whether passwords still do, and the session tokens issued */
    public LoginService(AccountStore accounts, PasswordHasher hasher, boolean autoRegister, Executor hashing,
                        LoginThrottle throttle, CircuitBreaker database, TokenLogins tokens) {
        this.tokens = tokens;
        this.tokenChecks = tokens.checks() != null ? tokens.checks() : hashing;
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
        if (!req.getToken().isEmpty()) {
            return authenticateToken(req, address);
        }
        if (!tokens.passwordLogin()) {
            return CompletableFuture.completedFuture(Outcome.refused(Result.INVALID_REQUEST,
                    "password login is off on this server: log in with a token from the game"));
        }
        String name = Names.normalise(req.getName());
        String reason = Names.checkPlayerName(name);
        if (reason == null) {
            reason = Names.checkPassword(req.getPassword());
        }
        if (reason != null) {
            return CompletableFuture.completedFuture(Outcome.refused(Result.INVALID_REQUEST, reason));
        }
        return queued(throttle.tryAcquire(name, address), hashing,
                (attempt, g) -> check(req.getName(), name, req.getPassword(), attempt, g));
    }

    /**
     * A token login: only the address's failure lockout applies before it is queued (a token
     * names nobody until verified); a bad token counts as a failure of the address.
     */
    private CompletableFuture<Outcome> authenticateToken(LoginRequest req, String address) {
        if (!req.getName().isEmpty() || !req.getPassword().isEmpty()) {
            return CompletableFuture.completedFuture(Outcome.refused(Result.INVALID_REQUEST,
                    "send a token, or a name and password, not both"));
        }
        if (req.getToken().length() > MAX_TOKEN_CHARS) {
            return CompletableFuture.completedFuture(Outcome.refused(Result.INVALID_REQUEST,
                    "the token is longer than " + MAX_TOKEN_CHARS + " characters"));
        }
        return queued(throttle.tryAcquireToken(address), tokenChecks,
                (attempt, g) -> checkToken(req.getToken(), attempt, g));
    }

    /**
     * Queues an admitted attempt's check holding one breaker permission; a throttled attempt,
     * an open breaker and a full queue are answered at once.
     */
    private CompletableFuture<Outcome> queued(LoginThrottle.Decision decision, Executor executor, Check check) {
        if (!decision.allowed()) {
            return CompletableFuture.completedFuture(throttled(decision.refusal()));
        }
        LoginThrottle.Attempt attempt = decision.attempt();
        if (!database.tryAcquirePermission()) {
            attempt.abandoned();
            return CompletableFuture.completedFuture(DB_DOWN);
        }
        try {
            return CompletableFuture.supplyAsync(() -> guarded(attempt, check), executor);
        } catch (RejectedExecutionException e) {
            attempt.abandoned();
            database.releasePermission();
            return CompletableFuture.completedFuture(noted(QUEUE_FULL));
        }
    }

    /** A login check on a login thread; {@link Guard#databaseOk} reports the database's success. */
    @FunctionalInterface
    private interface Check {
        Outcome run(LoginThrottle.Attempt attempt, Guard guard) throws Exception;
    }

    /** One check's breaker permission, reported exactly once. */
    private final class Guard {
        private final long start = System.nanoTime();
        private boolean reported;

        void databaseOk() {
            if (!reported) {
                reported = true;
                database.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                databaseFailureLogged = false;
            }
        }
    }

    /**
     * Runs {@code check} holding one breaker permission, reported exactly once: a database
     * failure before the database answered opens the way to the breaker, a bad token is a
     * failed attempt, and the attempt is always decided.
     */
    private Outcome guarded(LoginThrottle.Attempt attempt, Check check) {
        Guard guard = new Guard();
        try {
            if (database.getState() == CircuitBreaker.State.OPEN) {
                return DB_DOWN; // opened while this waited in the queue: no point waiting for a connection
            }
            return check.run(attempt, guard);
        } catch (TokenRejectedException e) {
            attempt.failed();
            return noted(Outcome.refused(e.result(), e.getMessage(), e.kind().tag()));
        } catch (Exception e) {
            if (guard.reported) {
                log.error("a login check failed", e);
                return Outcome.refused(Result.INTERNAL_ERROR, "the login could not be checked");
            }
            guard.reported = true;
            database.onError(System.nanoTime() - guard.start, TimeUnit.NANOSECONDS, e);
            if (!databaseFailureLogged) {
                databaseFailureLogged = true;
                log.warn("logins cannot read the account store (logged once until it works again): {}", e.toString());
            }
            return DB_DOWN;
        } finally {
            attempt.abandoned(); // no-op when the attempt was decided above
            if (!guard.reported) {
                database.releasePermission();
            }
        }
    }

    /** A verified token's account: a session token's player, or the backend subject's (created or renamed). */
    private Outcome checkToken(String token, LoginThrottle.Attempt attempt, Guard guard) throws Exception {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw TokenVerifier.malformed("the token is not a signed JWT");
        }
        Account account;
        List<String> roles;
        if (SessionTokens.isSessionToken(jwt)) {
            if (tokens.sessions() == null) {
                throw TokenVerifier.malformed("this server takes no session tokens");
            }
            SessionTokens.Claims claims = tokens.sessions().verify(jwt);
            Optional<Account> found = accounts.findById(claims.playerId());
            guard.databaseOk();
            if (found.isEmpty()) {
                throw new TokenRejectedException(Result.INVALID_CREDENTIALS, TokenRejectedException.Kind.CLAIMS,
                        "the session token's player does not exist here; log in again");
            }
            account = found.get();
            roles = claims.roles();
        } else {
            if (tokens.backend() == null) {
                throw TokenVerifier.malformed("token login is not enabled on this server");
            }
            TokenVerifier.Claims claims = tokens.backend().verify(jwt);
            account = linked(claims);
            guard.databaseOk();
            roles = claims.roles();
        }
        attempt.succeeded();
        return granted(account, roles);
    }

    /**
     * The account linked to the token's subject: created at its first login, renamed when the
     * token's name differs. A name (or a look-alike of it) that belongs to another account is
     * refused, and the account keeps its old name.
     */
    private Account linked(TokenVerifier.Claims claims) throws SQLException, TokenRejectedException {
        String skeleton = Names.skeleton(claims.name());
        Optional<Account> found = accounts.findBySubject(claims.subject());
        if (found.isEmpty()) {
            found = accounts.createForSubject(claims.subject(), claims.name(), skeleton);
            if (found.isEmpty()) {
                throw nameTaken(claims.name());
            }
            if (found.get().name().equals(claims.name())) {
                log.info("registered player:{} ({}) for a backend token", found.get().id(), claims.name());
                return found.get();
            }
            // a concurrent first login of the same subject created it under another name
        }
        Account account = found.get();
        if (account.name().equals(claims.name())) {
            return account;
        }
        if (!accounts.rename(account.id(), claims.name(), skeleton)) {
            throw nameTaken(claims.name());
        }
        log.info("player:{} renamed from {} to {} by its backend token", account.id(), account.name(), claims.name());
        return new Account(account.id(), claims.name(), account.passwordHash());
    }

    private static TokenRejectedException nameTaken(String name) {
        return new TokenRejectedException(Result.INVALID_REQUEST, TokenRejectedException.Kind.NAME,
                "the name '" + name + "' (or one that looks like it) belongs to another player");
    }

    /** A successful login, with a new session token when the server issues them. */
    private Outcome granted(Account account, List<String> roles) {
        SessionTokens.Issued session = tokens.sessions() == null ? null
                : tokens.sessions().issue(account.id(), roles);
        return new Outcome(account, Result.OK, "", null, roles, session);
    }

    private Outcome throttled(LoginThrottle.Refusal refusal) {
        return noted(Outcome.throttled(refusal));
    }

    /** Counts a refusal by the abuse limits or a bad token; one summary line a minute at most, never one per attempt. */
    private Outcome noted(Outcome refused) {
        refusedSinceLog.incrementAndGet();
        long next = nextRefusalLog.get();
        long now = System.nanoTime();
        if (now - next >= 0 && nextRefusalLog.compareAndSet(next, now + LOG_EVERY_NANOS)) {
            log.warn("logins refused by a limit or a bad token: {} since the last such line, {} lockout(s) begun;"
                            + " e.g. {} ({})",
                    refusedSinceLog.getAndSet(0), throttle.takeLockouts(), refused.result(), refused.reason());
        }
        return refused;
    }

    /**
     * Hashing executor, inside {@link #guarded}. {@code name} is the NFKC form of {@code given},
     * the form new accounts get; an account stored before names were normalised is still found
     * by its own spelling.
     */
    private Outcome check(String given, String name, String password, LoginThrottle.Attempt attempt, Guard guard)
            throws SQLException {
        Optional<Account> found = given.equals(name) ? Optional.empty() : accounts.find(given);
        if (found.isEmpty()) {
            found = accounts.find(name);
        }
        Account account;
        if (found.isPresent()) {
            guard.databaseOk();
            account = found.get();
        } else if (autoRegister) {
            String skeleton = Names.skeleton(name);
            if (accounts.findBySkeleton(skeleton).isPresent()) {
                guard.databaseOk();
                attempt.failed();
                return refusedLookAlike();
            }
            LoginThrottle.Refusal refused = attempt.register();
            if (refused != null) {
                guard.databaseOk();
                return throttled(refused);
            }
            String hash = hasher.hash(password);
            account = accounts.createOrGet(name, skeleton, hash);
            guard.databaseOk();
            if (!AccountStore.nameKey(account.name()).equals(AccountStore.nameKey(name))) {
                attempt.failed();
                return refusedLookAlike(); // a concurrent login registered a look-alike first
            }
            if (account.passwordHash().equals(hash)) {
                logins.atInfo().addKeyValue("event", "registered").addKeyValue("player", account.name())
                        .addKeyValue("player_id", account.id())
                        .log("registered player:{} ({})", account.id(), account.name());
                attempt.succeeded();
                return granted(account, List.of()); // just hashed: no need to verify
            }
            // a concurrent login registered the name first: verify against its password
        } else {
            guard.databaseOk();
            attempt.failed();
            return Outcome.refused(Result.INVALID_CREDENTIALS, WRONG_CREDENTIALS);
        }
        if (!hasher.verify(password, account.passwordHash())) {
            attempt.failed();
            return Outcome.refused(Result.INVALID_CREDENTIALS, WRONG_CREDENTIALS);
        }
        attempt.succeeded();
        return granted(account, List.of());
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
}
