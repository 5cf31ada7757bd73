package dev.parley.tls;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the certificate and key files and hands a new, checked pair to the server when they
 * change. Each {@link #poll()} compares the files' modification times and sizes with those of
 * the pair in use; a change is acted on once it has held for one poll, so a certificate and key
 * replaced one after the other (certbot renews them file by file) are read as the new pair and
 * not as a mismatch in between. A pair that does not read or match logs one error, is counted,
 * and the previous pair stays in use until the files change again.
 *
 * <p>{@link #start} polls every interval on a daemon thread {@code parley-tls-reload}; tests
 * call {@link #poll()} themselves. Polls are serialized.
 */
final class CertificateReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

    /** Receives each new pair; on the polling thread. */
    interface Target {
        void use(KeyMaterial material) throws IOException;
    }

    private final CertificateFiles files;
    private final Target target;
    private final TlsMetrics metrics;
    /** The files' state when the pair in use (or the last failed one) was read. */
    private CertificateFiles.Stamp handled;
    /** The files' state at the previous poll, while it differs from {@link #handled}. */
    private CertificateFiles.Stamp pending;
    private ScheduledExecutorService thread;

    /** @param loaded the files' state when the pair in use was read */
    CertificateReloader(CertificateFiles files, CertificateFiles.Stamp loaded, Target target, TlsMetrics metrics) {
        this.files = files;
        this.handled = loaded;
        this.target = target;
        this.metrics = metrics;
    }

    /** Polls every {@code interval} from now on; zero = never. */
    synchronized void start(Duration interval) {
        if (interval.isZero()) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("parley-tls-reload", true));
        thread.scheduleWithFixedDelay(this::pollQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Looks at the files once; reloads when they changed and have not changed since the
     * previous poll. Returns true when a new pair is now in use.
     */
    synchronized boolean poll() {
        CertificateFiles.Stamp now = files.stamp();
        if (now.equals(handled)) {
            pending = null;
            return false;
        }
        if (!now.equals(pending)) {
            pending = now; // changed since the last look: let it settle for one poll
            return false;
        }
        handled = now;
        pending = null;
        try {
            KeyMaterial material = files.read();
            target.use(material);
            metrics.reloaded(true);
            log.info("TLS: certificate reloaded from {}: {}; new connections use it", files.cert(), material.describe());
            return true;
        } catch (IOException | RuntimeException e) {
            metrics.reloaded(false);
            log.error("TLS: the changed certificate files cannot be used, keeping the previous certificate: {}",
                    e.getMessage());
            return false;
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.error("TLS: checking the certificate files failed", e);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
