package dev.parley.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may open a WebSocket to this server ({@code --ws-allowed-origins}): a browser
 * sends the page's {@code Origin} with the upgrade, and a page of another site must not be able
 * to use a player's browser to chat in their name. Always allowed: an upgrade without
 * {@code Origin} (not a browser: game clients, bots, tools) and a page of this very host (the
 * {@code Origin}'s host and port equal the request's {@code Host}, so the page served at
 * {@code /} works under any name the server is reached by). Also allowed: the listed origins,
 * or any with {@code *}. Immutable; any thread.
 */
public final class OriginPolicy {

    /** The list entry that allows every origin. */
    public static final String ANY = "*";

    private final boolean any;
    private final Set<String> allowed;

    private OriginPolicy(boolean any, Set<String> allowed) {
        this.any = any;
        this.allowed = allowed;
    }

    /**
     * @param origins {@code *}, or origins such as {@code https://game.example.com:8443}; empty =
     *                this host only
     * @throws IllegalArgumentException naming an entry that is not an origin
     */
    public static OriginPolicy of(List<String> origins) {
        for (String o : origins) {
            check(o);
        }
        return new OriginPolicy(origins.contains(ANY),
                origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()));
    }

    /** Throws when {@code origin} is neither {@code *} nor {@code scheme://host[:port]}. */
    public static void check(String origin) {
        if (origin.equals(ANY)) {
            return;
        }
        try {
            URI uri = new URI(origin);
            if (uri.getScheme() == null || uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("ws-allowed-origins: '" + origin
                        + "' is not an origin: scheme://host[:port], without a path, or *");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("ws-allowed-origins: '" + origin + "' is not an origin: " + e.getMessage());
        }
    }

    /**
     * @param origin the request's {@code Origin}, or null when it has none
     * @param host   the request's {@code Host}, or null
     */
    public boolean allows(String origin, String host) {
        if (origin == null || any) {
            return true;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        return allowed.contains(o) || sameHost(o, host);
    }

    private static boolean sameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            String authority = new URI(origin).getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host.trim());
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed page, a file) or garbage: not this host
        }
    }
}
