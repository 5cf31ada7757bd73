package dev.parley.account;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Login abuse policy: failed logins counted per name and per source address, with a lockout
 * that doubles each time the same key is locked again; logins in flight per address capped;
 * registrations per address per hour. Checked before a login is queued for hashing, so a
 * throttled guess costs no PBKDF2.
 *
 * <p>A check reserves a slot ({@link Attempt}) that counts against the limits while the
 * password is being checked, so a burst of concurrent guesses cannot all pass before the
 * first failure is recorded. An address that logged in successfully as a name is remembered
 * for that name and is exempt from the name's lockout (its address limits still apply): a
 * player is not locked out of their own account by guessers elsewhere.
 *
 * <p>Memory is bounded: each map holds at most {@code maxEntries} keys, least recently used
 * evicted first, and entries idle past their retention are dropped. Time comes from an
 * injectable nanosecond clock. Thread-safe (one lock; logins are rare next to chat).
 */
public final class LoginThrottle {

    /** Remembered successful addresses per name. */
    static final int KNOWN_ADDRESSES = 4;
    /** How long a name remembers where it logged in from, idle. */
    static final Duration KNOWN_ADDRESS_RETENTION = Duration.ofHours(24);
    /** Keys tracked per map unless configured otherwise. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    private static final long HOUR = Duration.ofHours(1).toNanos();
    /** Retry hint while a key's limit is taken by checks still in progress. */
    private static final long IN_PROGRESS_RETRY = Duration.ofSeconds(1).toNanos();

    /**
     * The policy.
     *
     * @param failuresPerName          failed logins on one name within {@code window} before it is locked; 0 = off
     * @param failuresPerAddress       failed logins from one address within {@code window} before it is locked; 0 = off
     * @param window                   the window both failure counts run in
     * @param lockout                  the first lockout; each further one of the same key doubles it
     * @param maxLockout               the longest lockout
     * @param inFlightPerAddress       logins from one address being checked at once; 0 = unlimited
     * @param registrationsPerHour     new accounts per address per hour; 0 = unlimited
     */
    public record Policy(int failuresPerName, int failuresPerAddress, Duration window, Duration lockout,
                         Duration maxLockout, int inFlightPerAddress, int registrationsPerHour) {
    }

    /** Why a login was refused, for the metrics' {@code reason} tag. */
    public enum Reason {
        NAME("name"), ADDRESS("address"), IN_FLIGHT("in_flight"), REGISTRATIONS("registrations");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** A refusal: why, and when trying again can succeed. */
    public record Refusal(Reason reason, Duration retryAfter) {
        /** The client's message, e.g. "too many failed logins for this name; retry in 30 s". */
        public String message() {
            String what = switch (reason) {
                case NAME -> "too many failed logins for this name";
                case ADDRESS -> "too many failed logins from your address";
                case IN_FLIGHT -> "too many logins in progress from your address";
                case REGISTRATIONS -> "too many new accounts from your address";
            };
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            return what + "; retry in " + seconds + " s";
        }
    }

    /** Per-key state; guarded by the throttle's lock. */
    private static final class Tally {
        int failures;
        long windowStart;
        int pending;
        int strikes;
        long lockedUntil;
        long lastTouched;
        /** Names only: addresses that logged in as this name, newest last. */
        Deque<String> known;
        /** Addresses only. */
        int registrations;
        long registrationWindowStart;
    }

    private final Policy policy;
    private final LongSupplier nanos;
    private final int maxEntries;
    private final long window;
    private final long lockout;
    private final long maxLockout;
    private final long retention;
    private final Map<String, Tally> names;
    private final Map<String, Tally> addresses;
    private long lockouts;

    public LoginThrottle(Policy policy, LongSupplier nanos) {
        this(policy, nanos, DEFAULT_MAX_ENTRIES);
    }

    LoginThrottle(Policy policy, LongSupplier nanos, int maxEntries) {
        this.policy = policy;
        this.nanos = nanos;
        this.maxEntries = maxEntries;
        this.window = policy.window().toNanos();
        this.lockout = policy.lockout().toNanos();
        this.maxLockout = Math.max(lockout, policy.maxLockout().toNanos());
        // a failure-only entry is useless once its window has passed and its longest lockout is over
        this.retention = Math.max(HOUR, window + maxLockout);
        this.names = lru();
        this.addresses = lru();
    }

    private Map<String, Tally> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tally> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * A reserved login check: exactly one of its methods must be called once it is done. A token
     * login's attempt has no name and holds no in-flight slot ({@link #tryAcquireToken}).
     */
    public final class Attempt {
        private final String name;
        private final String address;
        private boolean done;

        private Attempt(String name, String address) {
            this.name = name;
            this.address = address;
        }

        /** The password was right (or the account was just registered from here). */
        public void succeeded() {
            finish(this, true, false);
        }

        /** Wrong password or unknown name: counts against the name and the address. */
        public void failed() {
            finish(this, false, true);
        }

        /** Not decided (server busy, database down): frees the slot without counting. */
        public void abandoned() {
            finish(this, false, false);
        }

        /**
         * This attempt registers a new account: null if the address may, else why not. A
         * registration allowed here is counted.
         */
        public Refusal register() {
            return registerFrom(address);
        }
    }

    /** The outcome of {@link #tryAcquire}: an attempt to finish, or a refusal. */
    public record Decision(Attempt attempt, Refusal refusal) {
        public boolean allowed() {
            return attempt != null;
        }
    }

    /** Checks a login of {@code name} from {@code address} and reserves its slot when allowed. */
    public synchronized Decision tryAcquire(String name, String address) {
        long now = nanos.getAsLong();
        String nameKey = name.toLowerCase(Locale.ROOT);
        Tally a = tally(addresses, address, now);
        // Checks in progress count as possible failures only where their number is bounded: an
        // address without an in-flight cap may log many players in at once (a NAT, a reconnect
        // storm), and most of them succeed.
        Refusal r = check(a, policy.failuresPerAddress(), Reason.ADDRESS, now, policy.inFlightPerAddress() > 0);
        if (r == null && policy.inFlightPerAddress() > 0 && a.pending >= policy.inFlightPerAddress()) {
            r = new Refusal(Reason.IN_FLIGHT, Duration.ofNanos(IN_PROGRESS_RETRY));
        }
        if (r != null) {
            return new Decision(null, r);
        }
        Tally n = tally(names, nameKey, now);
        if (n.known == null || !n.known.contains(address)) {
            r = check(n, policy.failuresPerName(), Reason.NAME, now, true);
            if (r != null) {
                return new Decision(null, r);
            }
        }
        a.pending++;
        n.pending++;
        return new Decision(new Attempt(nameKey, address), null);
    }

    /**
     * Checks a token login from {@code address}: only the address's failure lockout applies, and
     * a failed token counts against the address alone (a token names no account before it is
     * verified). Not capped in flight: the cap guards the hashing threads, and a token check
     * costs microseconds, so a reconnect storm from one address is not slowed down.
     */
    public synchronized Decision tryAcquireToken(String address) {
        long now = nanos.getAsLong();
        Refusal r = check(tally(addresses, address, now), policy.failuresPerAddress(), Reason.ADDRESS, now, false);
        return r != null ? new Decision(null, r) : new Decision(new Attempt(null, address), null);
    }

    /** How many lockouts began since the last call; for the rate-limited log line. */
    public synchronized long takeLockouts() {
        long n = lockouts;
        lockouts = 0;
        return n;
    }

    /** Keys tracked now (names, addresses); for tests and gauges. */
    synchronized int[] sizes() {
        sweep(nanos.getAsLong());
        return new int[]{names.size(), addresses.size()};
    }

    private Refusal check(Tally t, int limit, Reason reason, long now, boolean countPending) {
        if (t.lockedUntil - now > 0) {
            return new Refusal(reason, Duration.ofNanos(t.lockedUntil - now));
        }
        if (now - t.windowStart >= window) {
            t.failures = 0;
            t.windowStart = now;
        }
        if (limit > 0 && t.failures + (countPending ? t.pending : 0) >= limit) {
            // the rest of the budget is taken by checks in progress: one of them will decide
            return new Refusal(reason, Duration.ofNanos(IN_PROGRESS_RETRY));
        }
        return null;
    }

    private synchronized void finish(Attempt at, boolean success, boolean failure) {
        if (at.done) {
            return;
        }
        at.done = true;
        long now = nanos.getAsLong();
        Tally a = tally(addresses, at.address, now);
        if (at.name == null) {
            if (failure) {
                fail(a, policy.failuresPerAddress(), now);
            }
            return;
        }
        Tally n = tally(names, at.name, now);
        a.pending = Math.max(0, a.pending - 1);
        n.pending = Math.max(0, n.pending - 1);
        if (success) {
            // consecutive failures on the name end here; the address keeps its count, so
            // logging in to one's own account between guesses buys no more guesses
            n.failures = 0;
            if (n.known == null) {
                n.known = new ArrayDeque<>(KNOWN_ADDRESSES);
            }
            n.known.remove(at.address);
            if (n.known.size() == KNOWN_ADDRESSES) {
                n.known.removeFirst();
            }
            n.known.addLast(at.address);
        } else if (failure) {
            fail(a, policy.failuresPerAddress(), now);
            fail(n, policy.failuresPerName(), now);
        }
    }

    private void fail(Tally t, int limit, long now) {
        if (now - t.windowStart >= window) {
            t.failures = 0;
            t.windowStart = now;
        }
        t.failures++;
        if (limit > 0 && t.failures >= limit) {
            long length = lockout;
            for (int i = 0; i < t.strikes && length < maxLockout; i++) {
                length *= 2;
            }
            length = Math.min(length, maxLockout);
            t.lockedUntil = now + length;
            t.strikes++;
            t.failures = 0;
            t.windowStart = now;
            lockouts++;
        }
    }

    private synchronized Refusal registerFrom(String address) {
        int limit = policy.registrationsPerHour();
        if (limit <= 0) {
            return null;
        }
        long now = nanos.getAsLong();
        Tally a = tally(addresses, address, now);
        if (now - a.registrationWindowStart >= HOUR) {
            a.registrations = 0;
            a.registrationWindowStart = now;
        }
        if (a.registrations >= limit) {
            return new Refusal(Reason.REGISTRATIONS, Duration.ofNanos(a.registrationWindowStart + HOUR - now));
        }
        a.registrations++;
        return null;
    }

    private Tally tally(Map<String, Tally> map, String key, long now) {
        sweep(now);
        Tally t = map.get(key);
        if (t == null) {
            t = new Tally();
            t.windowStart = now;
            t.registrationWindowStart = now - HOUR; // no registrations yet
            t.lockedUntil = now;
            map.put(key, t);
        }
        t.lastTouched = now;
        return t;
    }

    /** Drops idle entries, oldest first: the access order makes the idle ones the eldest. */
    private void sweep(long now) {
        sweep(names, now);
        sweep(addresses, now);
    }

    private void sweep(Map<String, Tally> map, long now) {
        Iterator<Tally> it = map.values().iterator();
        while (it.hasNext()) {
            Tally t = it.next();
            long idle = now - t.lastTouched;
            if (idle < retention) {
                return;
            }
            boolean remembers = t.known != null && idle < KNOWN_ADDRESS_RETENTION.toNanos();
            if (t.pending > 0 || t.lockedUntil - now > 0 || remembers) {
                return; // still useful; entries behind it were touched later and are kept too
            }
            it.remove();
        }
    }
}
