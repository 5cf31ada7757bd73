package dev.parley.cluster;

import dev.parley.content.BlockedWords;
import dev.parley.moderation.Bans;
import dev.parley.moderation.Mutes;
import dev.parley.moderation.RoleGrants;
import dev.parley.store.ModerationStore;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This server as a node of a cluster: its link to Redis, its lease and its presence, wired
 * together (a fenced node closes its sessions; a node that registered again, or found Redis
 * again, writes its players back). Created by the server at start in cluster mode, closed after
 * its sessions: the lease is given up at once, so other nodes see the players gone without
 * waiting for its TTL. Thread-safe.
 */
public final class ClusterNode implements AutoCloseable {

    private final RedisLink link;
    private final NodeLease lease;
    private final ClusterPresence presence;
    private volatile ClusterModeration moderation;

    private ClusterNode(RedisLink link, NodeLease lease, ClusterPresence presence) {
        this.link = link;
        this.lease = lease;
        this.presence = presence;
    }

    /**
     * Connects to Redis and registers the node.
     *
     * @param nodeId the node's id, unique in the cluster; null = a generated one ({@code n-} + 8 hex digits)
     * @throws IOException (one line) when Redis is unreachable or the node id is in use
     */
    public static ClusterNode start(String redisUri, String nodeId) throws IOException {
        String id = nodeId != null ? nodeId : "n-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        RedisLink link = RedisLink.connect(redisUri);
        try {
            NodeLease lease = new NodeLease(link, id, System::nanoTime);
            ClusterPresence presence = new ClusterPresence(link, id);
            lease.onFenced(presence::closeAll);
            lease.onRegistered(presence::reassertAll);
            link.onReconnect(presence::reassertAll);
            lease.start();
            return new ClusterNode(link, lease, presence);
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    public RedisLink link() {
        return link;
    }

    public NodeLease lease() {
        return lease;
    }

    public ClusterPresence presence() {
        return presence;
    }

    /**
     * Shares this node's moderation state with the cluster (see {@link ClusterModeration}); at
     * start, after the state was loaded from the database.
     *
     * @throws IOException when Redis does not confirm the subscription in time
     */
    public ClusterModeration shareModeration(Bans bans, Mutes mutes, RoleGrants grants, ModerationStore store,
                                             BlockedWords words, Executor blocking) throws IOException {
        ClusterModeration shared = new ClusterModeration(link, nodeId(), presence, bans, mutes, grants, store, words,
                blocking, System::currentTimeMillis);
        shared.start(lease);
        moderation = shared;
        return shared;
    }

    /** The shared moderation, once {@link #shareModeration} ran; else null. */
    public ClusterModeration moderation() {
        return moderation;
    }

    public String nodeId() {
        return lease.nodeId();
    }

    /** Why this node cannot serve as a cluster member now (for /health/ready), or null when it can. */
    public String readinessProblem() {
        if (!link.reachable()) {
            return "Redis unreachable: local members are served, other nodes are not reached";
        }
        if (!lease.held()) {
            return "node lease not held (renewal failing or registering again): this node may be declared dead";
        }
        return null;
    }

    /**
     * Lets the presence steps in flight finish (the releases of the sessions just closed), gives
     * up the lease (the node's players and memberships leave the cluster at once), then closes
     * the Redis link.
     */
    @Override
    public void close() {
        try {
            presence.settled().get(RedisLink.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the deregistration below removes this node's presence entries anyway
        }
        try {
            lease.close();
        } finally {
            link.close();
        }
    }

    @Override
    public String toString() {
        return "cluster " + lease;
    }
}
