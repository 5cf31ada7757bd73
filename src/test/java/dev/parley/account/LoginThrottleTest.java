package dev.parley.account;

import dev.parley.account.LoginThrottle.Decision;
import dev.parley.account.LoginThrottle.Policy;
import dev.parley.account.LoginThrottle.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The login abuse policy on a hand-driven clock: no sleeps. */
class LoginThrottleTest {

    private static final String GUESSER = "10.0.0.2";
    private static final String PLAYER = "10.0.0.1";

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private LoginThrottle throttle(Policy p) {
        return new LoginThrottle(p, now::get);
    }

    /** 3 failures per name, 100 per address, window 1 min, lockout 10 s doubling to 40 s. */
    private static Policy perName() {
        return new Policy(3, 100, Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(40), 0, 0);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private static void fail(LoginThrottle t, String name, String address) {
        Decision d = t.tryAcquire(name, address);
        assertThat(d.allowed()).as("%s from %s allowed", name, address).isTrue();
        d.attempt().failed();
    }

    @Test
    void aNameIsLockedAfterItsFailuresAndTheLockoutDoublesUpToTheMaximumThenExpires() {
        LoginThrottle t = throttle(perName());
        for (int i = 0; i < 3; i++) {
            fail(t, "alice", GUESSER);
        }
        Decision locked = t.tryAcquire("Alice", GUESSER); // names are case-insensitive
        assertThat(locked.allowed()).isFalse();
        assertThat(locked.refusal().reason()).isEqualTo(Reason.NAME);
        assertThat(locked.refusal().retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(locked.refusal().message()).isEqualTo("too many failed logins for this name; retry in 10 s");

        advance(Duration.ofSeconds(9));
        assertThat(t.tryAcquire("alice", GUESSER).refusal().retryAfter()).isEqualTo(Duration.ofSeconds(1));
        advance(Duration.ofSeconds(1));
        // the lockout is over; three more failures lock it for twice as long, then 40 s, then 40 s again
        long[] expected = {20, 40, 40};
        for (long seconds : expected) {
            for (int i = 0; i < 3; i++) {
                fail(t, "alice", GUESSER);
            }
            assertThat(t.tryAcquire("alice", GUESSER).refusal().retryAfter()).isEqualTo(Duration.ofSeconds(seconds));
            advance(Duration.ofSeconds(seconds));
        }
        // other names are not affected
        assertThat(t.tryAcquire("bob", GUESSER).allowed()).isTrue();
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() {
        LoginThrottle t = throttle(perName());
        fail(t, "alice", GUESSER);
        fail(t, "alice", GUESSER);
        advance(Duration.ofMinutes(1));
        fail(t, "alice", GUESSER);
        fail(t, "alice", GUESSER);
        assertThat(t.tryAcquire("alice", GUESSER).allowed()).isTrue();
    }

    @Test
    void checksInProgressCountAgainstTheLimitSoABurstCannotPassBeforeTheFirstFailure() {
        LoginThrottle t = throttle(perName());
        Decision a = t.tryAcquire("alice", GUESSER);
        Decision b = t.tryAcquire("alice", GUESSER);
        Decision c = t.tryAcquire("alice", GUESSER);
        Decision d = t.tryAcquire("alice", GUESSER);
        assertThat(a.allowed() && b.allowed() && c.allowed()).isTrue();
        assertThat(d.allowed()).isFalse();
        assertThat(d.refusal().retryAfter()).isEqualTo(Duration.ofSeconds(1));
        // an undecided check (server busy) frees its slot without counting
        a.attempt().abandoned();
        a.attempt().failed(); // a second outcome of one attempt is ignored
        assertThat(t.tryAcquire("alice", GUESSER).allowed()).isTrue();
    }

    @Test
    void anAddressThatLoggedInAsTheNameIsExemptFromItsLockout() {
        LoginThrottle t = throttle(perName());
        t.tryAcquire("alice", PLAYER).attempt().succeeded();
        for (int i = 0; i < 3; i++) {
            fail(t, "alice", GUESSER);
        }
        assertThat(t.tryAcquire("alice", GUESSER).allowed()).isFalse();
        Decision player = t.tryAcquire("alice", PLAYER);
        assertThat(player.allowed()).isTrue();
        player.attempt().succeeded();
        // another address has not logged in as alice: still locked
        assertThat(t.tryAcquire("alice", "10.0.0.3").allowed()).isFalse();
    }

    @Test
    void anAddressIsLockedAfterItsFailuresAcrossNames() {
        LoginThrottle t = throttle(new Policy(0, 4, Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofMinutes(15), 0, 0));
        for (int i = 0; i < 4; i++) {
            fail(t, "name" + i, GUESSER);
        }
        Decision d = t.tryAcquire("someone", GUESSER);
        assertThat(d.refusal().reason()).isEqualTo(Reason.ADDRESS);
        assertThat(d.refusal().message()).isEqualTo("too many failed logins from your address; retry in 30 s");
        // a success of its own account buys the address no more guesses
        assertThat(t.tryAcquire("someone", PLAYER).allowed()).isTrue();
        advance(Duration.ofSeconds(30));
        Decision own = t.tryAcquire("guesser", GUESSER);
        own.attempt().succeeded();
        for (int i = 0; i < 4; i++) {
            fail(t, "other" + i, GUESSER);
        }
        assertThat(t.tryAcquire("x", GUESSER).refusal().retryAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void loginsInFlightPerAddressAreCapped() {
        LoginThrottle t = throttle(new Policy(0, 0, Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofMinutes(15), 2, 0));
        Decision a = t.tryAcquire("a", GUESSER);
        Decision b = t.tryAcquire("b", GUESSER);
        Decision c = t.tryAcquire("c", GUESSER);
        assertThat(a.allowed() && b.allowed()).isTrue();
        assertThat(c.refusal().reason()).isEqualTo(Reason.IN_FLIGHT);
        assertThat(t.tryAcquire("d", PLAYER).allowed()).isTrue();
        a.attempt().succeeded();
        assertThat(t.tryAcquire("c", GUESSER).allowed()).isTrue();
    }

    @Test
    void registrationsPerAddressPerHour() {
        LoginThrottle t = throttle(new Policy(0, 0, Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofMinutes(15), 0, 3));
        for (int i = 0; i < 3; i++) {
            assertThat(t.tryAcquire("n" + i, GUESSER).attempt().register()).isNull();
        }
        advance(Duration.ofMinutes(20));
        LoginThrottle.Refusal r = t.tryAcquire("n3", GUESSER).attempt().register();
        assertThat(r.reason()).isEqualTo(Reason.REGISTRATIONS);
        assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(40));
        assertThat(t.tryAcquire("p", PLAYER).attempt().register()).as("another address").isNull();
        advance(Duration.ofMinutes(40));
        assertThat(t.tryAcquire("n4", GUESSER).attempt().register()).isNull();
    }

    @Test
    void memoryIsBoundedIdleEntriesExpireAndTheMapIsCapped() {
        LoginThrottle t = new LoginThrottle(perName(), now::get, 50);
        for (int i = 0; i < 200; i++) {
            fail(t, "name" + i, "10.0." + (i / 250) + "." + (i % 250));
        }
        assertThat(t.sizes()).containsExactly(50, 50);
        advance(Duration.ofHours(2));
        assertThat(t.sizes()).as("idle entries expire").containsExactly(0, 0);
    }

    @Test
    void aNameRemembersWhereItLoggedInFromLongerThanItsFailures() {
        LoginThrottle t = throttle(perName());
        t.tryAcquire("alice", PLAYER).attempt().succeeded();
        advance(Duration.ofHours(2)); // past the failures' retention, within the known addresses'
        for (int i = 0; i < 3; i++) {
            fail(t, "alice", GUESSER);
        }
        assertThat(t.tryAcquire("alice", GUESSER).allowed()).isFalse();
        assertThat(t.tryAcquire("alice", PLAYER).allowed()).isTrue();
    }

    @Test
    void manyPlayersLoggingInAtOnceFromOneAddressAreNotTakenForFailuresWithoutAnInFlightCap() {
        // 10 failures per address, no in-flight cap: a NAT, or a reconnect storm after a restart
        LoginThrottle t = throttle(new Policy(5, 10, Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(40), 0, 0));
        List<Decision> inProgress = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Decision d = t.tryAcquire("player" + i, PLAYER);
            assertThat(d.allowed()).as("player %d", i).isTrue();
            inProgress.add(d);
        }
        inProgress.forEach(d -> d.attempt().succeeded());
        // real failures still count: ten of them lock the address
        for (int i = 0; i < 10; i++) {
            fail(t, "guess" + i, PLAYER);
        }
        assertThat(t.tryAcquire("anyone", PLAYER).refusal().reason()).isEqualTo(Reason.ADDRESS);
    }

    @Test
    void tokenLoginsAreNotCappedInFlightButTheirFailuresLockTheAddressOnly() {
        // 1 in flight per address, 3 failures per address
        LoginThrottle t = throttle(new Policy(3, 3, Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(40), 1, 0));
        List<Decision> storm = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Decision d = t.tryAcquireToken(PLAYER);
            assertThat(d.allowed()).as("token login %d in flight", i).isTrue();
            storm.add(d);
        }
        storm.forEach(d -> d.attempt().succeeded());
        assertThat(t.tryAcquire("alice", PLAYER).allowed()).as("a password login beside them").isTrue();

        for (int i = 0; i < 3; i++) {
            t.tryAcquireToken(GUESSER).attempt().failed();
        }
        Decision locked = t.tryAcquireToken(GUESSER);
        assertThat(locked.allowed()).isFalse();
        assertThat(locked.refusal().reason()).isEqualTo(Reason.ADDRESS);
        assertThat(t.tryAcquire("bob", GUESSER).allowed()).as("the address is locked for passwords too").isFalse();
        assertThat(t.tryAcquireToken(PLAYER).allowed()).as("other addresses are not").isTrue();
    }
}
