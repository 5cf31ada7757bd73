package dev.parley.cluster;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.protocol.pb.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * A player connected to another node of the cluster, reached through its player channel: what
 * it is sent or told, the node that holds it executes on the connection (see
 * {@link PlayerCommand}). Fire and forget: when the player has left meanwhile the command finds
 * no one and is dropped. Immutable; any thread.
 */
final class RemotePlayer implements OnlinePlayer {

    private static final Logger log = LoggerFactory.getLogger(RemotePlayer.class);

    private final RedisLink link;
    private final String channel;
    private final long playerId;
    private final String name;
    private final String node;

    RemotePlayer(RedisLink link, String nameKey, long playerId, String name, String node) {
        this.link = link;
        this.channel = ClusterKeys.playerChannel(nameKey);
        this.playerId = playerId;
        this.name = name;
        this.node = node;
    }

    @Override
    public long playerId() {
        return playerId;
    }

    @Override
    public String name() {
        return name;
    }

    /** The node that holds the player (as the cluster's presence said when this was made). */
    String node() {
        return node;
    }

    @Override
    public void send(MessageLite message) {
        publish(PlayerCommand.deliver(playerId, message));
    }

    /** @return completes once the command was published (the other node then closes the connection) */
    @Override
    public CompletableFuture<Void> disconnect(Result result, String reason) {
        return publish(PlayerCommand.disconnect(playerId, result, reason));
    }

    private CompletableFuture<Void> publish(byte[] command) {
        return link.publish(channel, command).handle((receivers, failure) -> {
            if (failure != null) {
                log.debug("command for {} on node {} not published: {}", name, node, RedisLink.rootMessage(failure));
            } else if (receivers == 0) {
                log.debug("command for {} on node {} reached no node (it left meanwhile)", name, node);
            }
            return (Void) null;
        }).toCompletableFuture();
    }

    @Override
    public String toString() {
        return name + "@" + node;
    }
}
