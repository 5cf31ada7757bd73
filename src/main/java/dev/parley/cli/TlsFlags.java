package dev.parley.cli;

import dev.parley.client.TlsOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The client-side TLS flags of {@code client}, {@code loadgen} and {@code bench} (a picocli mixin). */
final class TlsFlags {

    @Option(names = "--tls", description = "Connect with TLS, trusting the JDK's certificate authorities "
            + "(--tls-ca or --tls-insecure imply it).")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Connect with TLS, trusting the certificates in this PEM file: a CA, or the server's own "
                    + "certificate (e.g. DATA_DIR/tls/self-signed-cert.pem of a server run with --tls-self-signed).")
    Path tlsCa;

    @Option(names = "--tls-insecure",
            description = "Connect with TLS but accept any certificate: FOR DEVELOPMENT ONLY, an impostor could "
                    + "read everything (a warning is printed).")
    boolean tlsInsecure;

    TlsOptions options() {
        return new TlsOptions(tls, tlsCa, tlsInsecure);
    }
}
