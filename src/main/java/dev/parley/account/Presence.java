package dev.parley.account;

/**
 * Who is online: at most one connection per player name (names compare regardless of case).
 * Thread-safe.
 *
 * <p>The seam for running several nodes: the single-node presence
 * ({@code cluster.LocalPresence}) is a map in this JVM; a cluster presence makes a name online
 * once across all nodes, and reaches a player wherever it is connected.
 */
public interface Presence {

    /** Marks {@code name} online on {@code player}; false when it is online already (on another connection). */
    boolean claim(String name, OnlinePlayer player);

    /**
     * Marks {@code name} online on {@code player} whoever held it: the takeover of a newer
     * login. Returns the connection that held it (to be disconnected), or null.
     */
    OnlinePlayer replace(String name, OnlinePlayer player);

    /**
     * The login of {@code player}, which holds {@code name}, completed: its id and name are set
     * (a cluster lists it for the other nodes from now on).
     */
    default void bound(String name, OnlinePlayer player) {
    }

    /** {@code player} went offline; does nothing if another connection holds {@code name} by now. */
    void release(String name, OnlinePlayer player);

    /** The connection that holds {@code name} on this node, or null when the name is offline here. */
    OnlinePlayer find(String name);

    /**
     * The connection of player {@code playerId}, named {@code name}, wherever it is connected, or
     * null when it is offline: what a sender delivers through (a direct message, a ban). On one
     * node that is {@link #find}; in a cluster it may be a proxy for a connection on another node,
     * and finding it may wait for the cluster (a bounded round trip): call it where blocking is
     * allowed (the direct-message writer, the blocking pool), not on an event loop.
     */
    default OnlinePlayer reach(String name, long playerId) {
        OnlinePlayer player = find(name);
        return player != null && player.playerId() == playerId ? player : null;
    }

    /** The players online on this node now (a snapshot for listings, e.g. the server API). */
    java.util.Collection<OnlinePlayer> players();

    /**
     * The players online anywhere: on one node {@link #players()}, in a cluster the other nodes'
     * too (read from the cluster without blocking the caller). For listings (the server API).
     *
     * @return completes on any thread; fails when the cluster cannot be asked
     */
    default java.util.concurrent.CompletableFuture<java.util.List<OnlinePlayer>> everywhere() {
        // a login still in progress (no id yet) is listed once complete
        return java.util.concurrent.CompletableFuture.completedFuture(
                players().stream().filter(p -> p.name() != null).toList());
    }

    /** How many players are online. */
    int online();
}
