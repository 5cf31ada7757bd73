package dev.parley.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The TLS meters: {@code parley.tls.engine{engine}} (1 for the engine in use),
 * {@code parley.tls.reloads{result=ok|failed}} and
 * {@code parley.tls.handshake.failures{reason=plaintext|timeout|closed|other}}. Counters are
 * updated on the event loops (handshakes) and the reload thread; thread-safe.
 */
final class TlsMetrics {

    /** Why a handshake failed, as the {@code reason} tag says it. */
    enum Failure {
        /** The client sent something that is not TLS: a plaintext client on a TLS port. */
        PLAINTEXT,
        /** No handshake within the handshake timeout. */
        TIMEOUT,
        /** The client closed the connection during the handshake. */
        CLOSED,
        /** Anything else: no common version or cipher, a bad certificate, a broken record. */
        OTHER
    }

    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    private final Counter[] handshakeFailures = new Counter[Failure.values().length];

    TlsMetrics(MeterRegistry registry, TlsEngine engine) {
        Gauge.builder("parley.tls.engine", () -> 1).tag("engine", engine.cliName())
                .description("The TLS engine of the client listeners: openssl or jdk").register(registry);
        reloadsOk = reloads(registry, "ok");
        reloadsFailed = reloads(registry, "failed");
        for (Failure f : Failure.values()) {
            handshakeFailures[f.ordinal()] = Counter.builder("parley.tls.handshake.failures")
                    .tag("reason", f.name().toLowerCase(java.util.Locale.ROOT))
                    .description("TLS handshakes that failed; the connection was closed").register(registry);
        }
    }

    private static Counter reloads(MeterRegistry registry, String result) {
        return Counter.builder("parley.tls.reloads").tag("result", result)
                .description("Certificate reloads after the files changed; failed ones keep the previous certificate")
                .register(registry);
    }

    void reloaded(boolean ok) {
        (ok ? reloadsOk : reloadsFailed).increment();
    }

    void handshakeFailed(Failure reason) {
        handshakeFailures[reason.ordinal()].increment();
    }
}
