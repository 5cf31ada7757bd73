package dev.parley.loadgen;

import java.util.Locale;

/**
 * Which of several servers ({@code loadgen --servers}) a client connects to. Pure arithmetic on
 * the {@link RoomLayout}, so the split of every room over the nodes is known before the run.
 */
public enum NodeSplit {
    /**
     * Member {@code k} of each room on node {@code k mod n}: every room has members on every
     * node, so each message crosses nodes. The worst case for a cluster, and the default.
     */
    MEMBERS("members"),
    /** Room {@code r} wholly on node {@code r mod n}: no room traffic crosses nodes. The best case. */
    ROOMS("rooms"),
    /**
     * Client {@code i} on node {@code i mod n}. Since client {@code i} is in room {@code i mod
     * rooms}, this equals {@link #ROOMS} when the node count divides the room count.
     */
    ROUND_ROBIN("round-robin");

    private final String cliName;

    NodeSplit(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The node (0-based index into the server list) of {@code client}. */
    public int node(RoomLayout layout, int client, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("need at least one server");
        }
        return switch (this) {
            case MEMBERS -> layout.position(client) % nodes;
            case ROOMS -> layout.room(client) % nodes;
            case ROUND_ROBIN -> client % nodes;
        };
    }

    public static NodeSplit parse(String s) {
        for (NodeSplit v : values()) {
            if (v.cliName.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("--node-split must be members, rooms or round-robin, not '" + s + "'");
    }
}
