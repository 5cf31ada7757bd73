package dev.parley.cluster;

/**
 * Who this node is in the cluster now: its id and the epoch of its current lease. Every script
 * that changes shared state in this node's name checks the epoch against the lease in Redis (a
 * fence): a node that lost its lease (paused past it, declared dead) cannot number a message.
 * Thread-safe.
 */
public interface NodeIdentity {

    String nodeId();

    /** The epoch of the lease this node holds, as the lease key stores it. */
    String epoch();
}
