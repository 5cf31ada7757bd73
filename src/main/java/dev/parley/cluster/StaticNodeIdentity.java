package dev.parley.cluster;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Interim: a node identity registered once, without expiry (replaced by the node lease). */
public record StaticNodeIdentity(String nodeId, String epoch) implements NodeIdentity {

    public static StaticNodeIdentity register(RedisLink redis, String nodeId) {
        String id = nodeId != null ? nodeId : "node-" + UUID.randomUUID().toString().substring(0, 8);
        long epoch = redis.commands().incr("parley:epoch").toCompletableFuture().join();
        redis.commands().set(ClusterKeys.nodeLease(id), Long.toString(epoch).getBytes(StandardCharsets.US_ASCII))
                .toCompletableFuture().join();
        return new StaticNodeIdentity(id, Long.toString(epoch));
    }
}
