package dev.parley.client;

import dev.parley.protocol.TlsVersions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The client side of TLS, built once from {@link TlsOptions}: the trusted certificates (the
 * JDK's CAs, a PEM file, or anything with {@code insecure}), TLS 1.2 and 1.3, and the server's
 * host name checked against its certificate. {@link #newHandler} makes each connection's
 * {@code SslHandler}; {@link #jdkContext()} serves plain JDK sockets (the bench's health check).
 * Shared by the client library, the console client and the load generator. Immutable,
 * thread-safe.
 */
public final class ClientTls {

    private static final Logger log = LoggerFactory.getLogger(ClientTls.class);
    /** The server's own handshake limit is its login timeout (10 s by default); a client waits as long. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final TlsOptions options;
    private final TrustManagerFactory trust;
    private final SslContext context;

    private ClientTls(TlsOptions options) throws IOException {
        this.options = options;
        this.trust = trust(options);
        try {
            SslContextBuilder b = SslContextBuilder.forClient().trustManager(trust).protocols(TlsVersions.enabled());
            if (options.insecure()) {
                b.endpointIdentificationAlgorithm(null);
            } else {
                b.endpointIdentificationAlgorithm("HTTPS");
            }
            context = b.build();
        } catch (SSLException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The TLS of {@code options}, or null when they say plain TCP. An unreadable CA file is an
     * {@link IOException} naming it; {@code insecure} logs a warning.
     */
    public static ClientTls of(TlsOptions options) throws IOException {
        if (!options.enabled()) {
            return null;
        }
        if (options.insecure()) {
            log.warn("TLS without verification (--tls-insecure): any server certificate is accepted, so an impostor "
                    + "can read everything, passwords included. FOR DEVELOPMENT ONLY; trust the server's certificate "
                    + "with --tls-ca FILE instead.");
        }
        return new ClientTls(options);
    }

    /** {@link #of}, with a bad setting (an unreadable CA file) as an {@link IllegalArgumentException}. */
    public static ClientTls forConfig(TlsOptions options) {
        try {
            return of(options);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public TlsOptions options() {
        return options;
    }

    /** A handler for a connection to {@code host}:{@code port}: the host name is what the certificate must name. */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = context.newHandler(alloc, host, port);
        handler.setHandshakeTimeout(HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        return handler;
    }

    /** The same trust for JDK sockets and HTTP clients (no host name check there unless the caller sets one). */
    public SSLContext jdkContext() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, trust.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS is not usable: " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trust(TlsOptions options) throws IOException {
        if (options.insecure()) {
            return InsecureTrustManagerFactory.INSTANCE;
        }
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (options.ca() == null) {
                f.init((KeyStore) null); // the JDK's CAs
                return f;
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(options.ca())) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IOException("tls-ca " + options.ca() + ": no BEGIN CERTIFICATE block");
            }
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            f.init(store);
            return f;
        } catch (GeneralSecurityException e) {
            throw new IOException("tls-ca " + options.ca() + ": not a PEM certificate file: " + e.getMessage(), e);
        }
    }
}
