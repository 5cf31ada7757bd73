package dev.parley.websocket;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The WebSocket subprotocols of the listener (docs/protocol.md, WebSocket). A client names the
 * one it speaks in {@code Sec-WebSocket-Protocol}; an upgrade that offers neither is refused.
 * Immutable.
 */
public enum Subprotocol {
    /** Each binary message carries exactly one Parley frame, the same bytes as on TCP. */
    BINARY("parley.v1"),
    /** Each text message is {@code {"type": "ChatRequest", "body": {...}}}, the body in protobuf's JSON mapping. */
    JSON("parley.v1.json");

    private final String wireName;

    Subprotocol(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code Sec-WebSocket-Protocol}. */
    public String wireName() {
        return wireName;
    }

    /** The subprotocol named {@code name}, or null when it is none of ours (or null). */
    public static Subprotocol of(String name) {
        for (Subprotocol p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** True when a {@code Sec-WebSocket-Protocol} header value (a comma list) offers one of ours. */
    static boolean offered(String header) {
        if (header == null) {
            return false;
        }
        return Arrays.stream(header.split(",")).map(String::trim).anyMatch(name -> of(name) != null);
    }

    /** All names, comma-separated, as the handshaker takes them. */
    static String all() {
        return Arrays.stream(values()).map(Subprotocol::wireName).collect(Collectors.joining(","));
    }
}
