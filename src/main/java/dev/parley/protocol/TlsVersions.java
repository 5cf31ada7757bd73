package dev.parley.protocol;

import java.util.List;

/**
 * The TLS versions Parley speaks, server and client alike: 1.3 and 1.2, nothing older (the
 * cipher suites are the engine's defaults for these). One list, so the server, the client
 * library and the load generator cannot drift apart. Immutable.
 */
public final class TlsVersions {

    public static final List<String> ENABLED = List.of("TLSv1.3", "TLSv1.2");

    private TlsVersions() {
    }

    /** {@link #ENABLED} as the array the TLS APIs take. */
    public static String[] enabled() {
        return ENABLED.toArray(new String[0]);
    }
}
