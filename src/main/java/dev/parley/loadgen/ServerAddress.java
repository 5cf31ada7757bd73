package dev.parley.loadgen;

import java.util.ArrayList;
import java.util.List;

/** One server the load clients connect to: {@code host:port} as given to {@code --servers}. */
public record ServerAddress(String host, int port) {

    public ServerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a server needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server port must be within 1..65535, not " + port);
        }
    }

    /**
     * A comma-separated list of {@code host:port} (IPv6 as {@code [addr]:port}); empty for null
     * or blank. Fails naming the entry that is not one.
     */
    public static List<ServerAddress> parseList(String s) {
        List<ServerAddress> list = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return list;
        }
        for (String part : s.split(",")) {
            String p = part.trim();
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("--servers: '" + p + "' is not host:port");
            }
            String host = p.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(p.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--servers: '" + p + "' has no port number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--servers: '" + p + "': port must be within 1..65535");
            }
            list.add(new ServerAddress(host, port));
        }
        return list;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
