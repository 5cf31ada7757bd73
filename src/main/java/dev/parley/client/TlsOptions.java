package dev.parley.client;

import java.nio.file.Path;

/**
 * Whether and how a client speaks TLS to the server.
 *
 * @param enabled  speak TLS; {@code ca} or {@code insecure} turn it on too
 * @param ca       PEM file of the certificates to trust (a CA, or the server's own certificate to pin
 *                 it, e.g. a server's {@code --tls-self-signed} one); null = the JDK's trusted CAs
 * @param insecure trust any certificate and skip the host name check: FOR DEVELOPMENT ONLY, it
 *                 gives up TLS's protection against an impostor (a warning is logged)
 */
public record TlsOptions(boolean enabled, Path ca, boolean insecure) {

    /** Plain TCP. */
    public static final TlsOptions OFF = new TlsOptions(false, null, false);
    /** TLS, trusting the JDK's CAs. */
    public static final TlsOptions DEFAULT = new TlsOptions(true, null, false);

    public TlsOptions {
        if (ca != null && insecure) {
            throw new IllegalArgumentException("tls-ca and tls-insecure exclude each other: trust the CA file, "
                    + "or (for development only) trust anything");
        }
        enabled = enabled || ca != null || insecure;
    }

    /** TLS trusting the certificates in {@code caFile}. */
    public static TlsOptions trusting(Path caFile) {
        return new TlsOptions(true, caFile, false);
    }

    /** TLS trusting anything: development only. */
    public static TlsOptions insecureForDevelopment() {
        return new TlsOptions(true, null, true);
    }
}
