package dev.parley.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import java.util.Locale;

/**
 * Which TLS implementation the server's Netty listeners use: OpenSSL (BoringSSL from
 * netty-tcnative, faster and lighter per connection) when its native library loads on this
 * platform, else the JDK's. Picked once at start. Immutable.
 */
public enum TlsEngine {
    OPENSSL(SslProvider.OPENSSL),
    JDK(SslProvider.JDK);

    private final SslProvider provider;

    TlsEngine(SslProvider provider) {
        this.provider = provider;
    }

    /** OpenSSL when it is available here, else the JDK's. */
    public static TlsEngine pick() {
        return OpenSsl.isAvailable() ? OPENSSL : JDK;
    }

    SslProvider provider() {
        return provider;
    }

    /** The name in metrics, the health document and the ready line: {@code openssl} or {@code jdk}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** For the startup line: the library and version, or why OpenSSL is not used. */
    public String describe() {
        if (this == OPENSSL) {
            return "OpenSSL engine (" + OpenSsl.versionString() + ")";
        }
        Throwable why = OpenSsl.unavailabilityCause();
        return "JDK engine (" + System.getProperty("java.vendor") + " " + System.getProperty("java.version")
                + (why == null ? "" : "; OpenSSL unavailable: " + why.getMessage()) + ")";
    }
}
