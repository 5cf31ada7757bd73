package dev.parley.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.parley.protocol.TlsVersions;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server's TLS: the one object every listener asks for its TLS stage. {@link #addTo} puts an
 * {@code SslHandler} (and the {@link HandshakeWatch} behind it) into a new connection's pipeline;
 * {@link #httpsConfigurator()} serves the admin port from the same certificate. When the
 * certificate files change the {@link CertificateReloader} builds a new context: new connections
 * get the new certificate, open ones keep theirs. {@link #off()} is TLS turned off, whose
 * {@link #addTo} adds nothing.
 *
 * <p>Thread-safe: {@link #addTo} runs on any event loop and reads the current context from a
 * volatile field, which the reload thread replaces.
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    private static final ServerTls OFF = new ServerTls();

    private final TlsEngine engine;
    private final long handshakeTimeoutMillis;
    private final HandshakeWatch watch;
    private final ReloadingKeyManager keyManager;
    private final CertificateReloader reloader;
    private volatile SslContext context;
    private volatile KeyMaterial material;

    private ServerTls() {
        engine = null;
        handshakeTimeoutMillis = 0;
        watch = null;
        keyManager = null;
        reloader = null;
    }

    private ServerTls(CertificateFiles files, Duration handshakeTimeout, MeterRegistry registry) throws IOException {
        engine = TlsEngine.pick();
        handshakeTimeoutMillis = handshakeTimeout.toMillis();
        CertificateFiles.Stamp loaded = files.stamp();
        material = files.read();
        context = nettyContext(engine, material);
        keyManager = new ReloadingKeyManager(material);
        TlsMetrics metrics = new TlsMetrics(registry, engine);
        watch = new HandshakeWatch(metrics);
        reloader = new CertificateReloader(files, loaded, this::use, metrics);
    }

    /** TLS off: {@link #addTo} adds nothing. */
    public static ServerTls off() {
        return OFF;
    }

    /**
     * TLS with the pair in {@code files}, checked now (an {@link IOException} says what is wrong
     * with which file), watched every {@code reloadInterval} (zero = never).
     *
     * @param handshakeTimeout a connection that has not finished its handshake by then is closed
     */
    public static ServerTls start(CertificateFiles files, Duration reloadInterval, Duration handshakeTimeout,
                                  MeterRegistry registry) throws IOException {
        ServerTls tls = new ServerTls(files, handshakeTimeout, registry);
        tls.reloader.start(reloadInterval);
        log.info("TLS on: {}, {}; certificate {} from {}; {}", tls.engine.describe(),
                String.join("/", TlsVersions.ENABLED), tls.material.describe(), files.cert(),
                reloadInterval.isZero() ? "not watched for changes"
                        : "reloaded when the files change (checked every " + reloadInterval.toSeconds() + " s)");
        return tls;
    }

    public boolean enabled() {
        return this != OFF;
    }

    /** The engine in use; null when off. */
    public TlsEngine engine() {
        return engine;
    }

    /** {@code openssl}, {@code jdk} or {@code off}: for the health document and the startup line. */
    public String describe() {
        return enabled() ? engine.cliName() : "off";
    }

    /** The certificate new connections get; null when off. */
    public KeyMaterial current() {
        return material;
    }

    /**
     * Adds the TLS stage at the end of {@code pipeline} as it is now: call it before adding the
     * stages that read plaintext (frame decoder, HTTP codec). Does nothing when TLS is off.
     */
    public void addTo(ChannelPipeline pipeline) {
        if (!enabled()) {
            return;
        }
        pipeline.addLast("tls", newHandler(pipeline.channel()));
        pipeline.addLast("tls-handshake", watch);
    }

    /** A new server-side {@code SslHandler} with the current certificate and the handshake timeout. */
    public SslHandler newHandler(Channel ch) {
        SslHandler handler = context.newHandler(ch.alloc());
        handler.setHandshakeTimeout(handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
        return handler;
    }

    /**
     * For the JDK's HTTPS server (the admin port): the same certificate, reloaded with it, TLS
     * 1.2 and 1.3 only.
     */
    public HttpsConfigurator httpsConfigurator() {
        if (!enabled()) {
            throw new IllegalStateException("TLS is off");
        }
        try {
            SSLContext jdk = SSLContext.getInstance("TLS");
            jdk.init(new KeyManager[]{keyManager}, null, null);
            return new HttpsConfigurator(jdk) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = getSSLContext().getDefaultSSLParameters();
                    p.setProtocols(TlsVersions.enabled());
                    params.setSSLParameters(p);
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS is not usable: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the certificate files now, as the reload thread does every interval; returns true
     * when a new certificate is now in use. A change is taken once it has held for one check
     * (see {@link CertificateReloader}), so after replacing the files call it twice.
     */
    public boolean reloadIfChanged() {
        return enabled() && reloader.poll();
    }

    /** Builds the contexts for {@code next} and swaps them in; the reload thread. */
    private void use(KeyMaterial next) throws IOException {
        SslContext built = nettyContext(engine, next);
        keyManager.use(next);
        material = next;
        context = built;
    }

    private static SslContext nettyContext(TlsEngine engine, KeyMaterial m) throws IOException {
        try {
            return SslContextBuilder.forServer(m.key(), m.chainArray())
                    .sslProvider(engine.provider())
                    .protocols(TlsVersions.enabled())
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IOException("the " + engine.cliName() + " TLS engine refuses certificate " + m.describe()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.close();
        }
    }
}
