package dev.parley.loadgen;

import java.util.Locale;

/** How the load clients reach the server ({@code --protocol}). Immutable. */
public enum WireProtocol {
    /** Parley frames on a TCP connection: the client port. */
    TCP,
    /** The same frames, one per binary WebSocket message ({@code parley.v1}): the WebSocket port, path /ws. */
    WS;

    /** The option's spelling. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code tcp} or {@code ws}; throws naming the choices otherwise. */
    public static WireProtocol parse(String s) {
        for (WireProtocol p : values()) {
            if (p.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("--protocol must be tcp or ws, was " + s);
    }
}
