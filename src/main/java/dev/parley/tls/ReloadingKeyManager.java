package dev.parley.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The admin port's key manager: always offers the current {@link KeyMaterial}, so one JDK
 * {@code SSLContext} serves the reloaded certificate to new connections. Each pair gets an
 * alias of its own, so a handshake that picked its alias before a reload still gets the
 * matching key and chain (the previous pair is kept for that). Thread-safe: the pair is swapped
 * by the reload thread and read by the admin thread.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private record Entry(String alias, KeyMaterial material) {
    }

    private volatile Entry current;
    private volatile Entry previous;
    private int generation;

    ReloadingKeyManager(KeyMaterial material) {
        current = new Entry("parley-0", material);
    }

    /** From now on new handshakes get {@code material}; reload thread. */
    synchronized void use(KeyMaterial material) {
        previous = current;
        current = new Entry("parley-" + ++generation, material);
    }

    private Entry entry(String alias) {
        Entry c = current;
        if (c.alias().equals(alias)) {
            return c;
        }
        Entry p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    /** The current alias when its key is of {@code keyType} ("EC", "RSA", ...), else null. */
    private String alias(String keyType) {
        Entry c = current;
        return keyType == null || keyType.equals(c.material().key().getAlgorithm()) ? c.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[]{alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry e = entry(alias);
        return e == null ? null : e.material().chainArray();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry e = entry(alias);
        return e == null ? null : e.material().key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
