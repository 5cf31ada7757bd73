package dev.parley.store;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The circuit breaker in front of the database reads a player waits for (logins, history):
 * after repeated failures it opens and those requests are answered {@code SERVER_BUSY} at once
 * instead of each waiting for the database; after {@code openFor} it lets a few trial calls
 * through and closes again when they succeed. A resilience4j {@link CircuitBreaker}; the chat
 * log does not go through it (it has its own spill path). Logs each state change once.
 * Thread-safe.
 */
public final class DatabaseBreaker {

    private static final Logger log = LoggerFactory.getLogger(DatabaseBreaker.class);

    /** How long the breaker stays open before trial calls, unless configured otherwise. */
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(5);
    /** Recent calls the failure rate is taken over. */
    static final int WINDOW = 10;
    /** Calls needed in the window before the rate counts: an outage is found after this many. */
    static final int MINIMUM_CALLS = 3;
    static final float FAILURE_RATE_PERCENT = 50;
    static final int TRIAL_CALLS = 2;

    private final CircuitBreaker breaker;

    public DatabaseBreaker(Duration openFor) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(WINDOW)
                .minimumNumberOfCalls(MINIMUM_CALLS)
                .failureRateThreshold(FAILURE_RATE_PERCENT)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(TRIAL_CALLS)
                // no timer thread: the first request (or readiness probe) after openFor moves it to half-open
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
        breaker = CircuitBreaker.of("database", config);
        breaker.getEventPublisher().onStateTransition(e -> {
            switch (e.getStateTransition().getToState()) {
                case OPEN -> log.warn("database unreachable: logins and history reads get SERVER_BUSY for {} s, then retry",
                        openFor.toSeconds());
                case CLOSED -> log.info("database reachable again: logins and history reads resume");
                default -> log.debug("database breaker: {}", e.getStateTransition());
            }
        });
    }

    /** The breaker itself, for callers that guard a call: acquire, then report success or error. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** 0 closed, 1 open, 2 half-open (trial calls), for the gauge. */
    public int stateCode() {
        return switch (breaker.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
        };
    }

    /**
     * Whether the database serves: false while the breaker is open; otherwise a cheap check
     * through {@code db}, counted by the breaker like any call, so readiness probes find an
     * outage without player traffic, and let the breaker close again after one. Blocks up to
     * {@code db}'s connection timeout.
     */
    public boolean reachable(Database db) {
        if (!breaker.tryAcquirePermission()) {
            return false;
        }
        long start = System.nanoTime();
        boolean ok = db.ping();
        long took = System.nanoTime() - start;
        if (ok) {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        } else {
            breaker.onError(took, TimeUnit.NANOSECONDS, new java.sql.SQLException("ping failed"));
        }
        return ok;
    }
}
