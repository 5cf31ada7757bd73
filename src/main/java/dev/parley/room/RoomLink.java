package dev.parley.room;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Member;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A room's tie to the other nodes of a cluster (docs/SCALING.md): the room here is one replica
 * that serves this node's members, and the link numbers its messages (one order for every node),
 * announces this node's joins and leaves, and carries commands (kick, removal) to the node that
 * holds a member. A single node has no link ({@link Room} numbers its messages itself).
 *
 * <p>Threads: the room calls the link on its job queue; the link's futures complete on the
 * cluster client's threads, and whatever the link learns from other nodes it hands to the room
 * through {@link Room#submit} ({@link Room#received}, {@link Room#remoteJoined} ...).
 */
public interface RoomLink {

    /**
     * Numbers {@code message} (its seq unset) as the room's next message and publishes it to every
     * node with members here, this one included: the room delivers it when it arrives
     * ({@link Room#received}), in seq order. Completes with the seq, or fails (the cluster is
     * unreachable, or this node lost its lease) without using one.
     *
     * @param lastSeen the highest seq this replica has seen: if the cluster lost the room's counter
     *                 (a Redis restart), numbering continues beyond it with a safety skip
     */
    CompletionStage<Long> publish(ChatNotify message, long lastSeen);

    /** Messages {@code afterSeq < seq < beforeSeq} the room missed (a lost publish), ascending; may have holes. */
    CompletionStage<List<ChatNotify>> fill(long afterSeq, long beforeSeq);

    /** A member of this node entered the room. */
    void joined(Member member);

    /**
     * A member of this node left it.
     *
     * @param lastHere no member of any node is known to remain: an ad-hoc room is removed from the cluster
     */
    void left(Member member, boolean lastHere);

    /** Removes player {@code playerId} (a member on another node) as a kick the caller has allowed. */
    void kick(long playerId);

    /** The room was removed (server API): every node's members are told {@code reason}. */
    void removed(String reason);

    /** This node's replica is gone (no member here): stop receiving the room's traffic. */
    void closed();
}
