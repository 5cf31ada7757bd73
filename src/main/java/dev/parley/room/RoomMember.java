package dev.parley.room;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.Member;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

/**
 * What a room needs of one of its members: who it is, which event loop serves its connection,
 * and two ways to reach it. The session layer implements it; rooms never see a Netty channel,
 * so the same rooms serve TCP, WebSocket or (in a cluster) remote members alike.
 */
public interface RoomMember {

    /** The logged-in player as the wire shows it. Fixed from login on; any thread. */
    Member member();

    /**
     * The event loop that serves this member's connection. A room groups its members by it, so
     * one broadcast costs one task per loop, not one per member.
     */
    EventExecutor loop();

    /** The allocator for frames addressed to this member. */
    ByteBufAllocator alloc();

    /** The rooms this member is in or entering; touched on {@link #loop()} only. */
    Membership rooms();

    /** Encodes and sends one message to this member now. Any thread. */
    void send(MessageLite message);

    /**
     * Queues one already encoded frame for this member and leaves the flush to the loop's
     * batch; the frame is not consumed (a retained duplicate is written). {@link #loop()} only.
     *
     * @return false when the connection is gone and nothing was written
     */
    boolean deliver(ByteBuf frame);

    /**
     * Whether this member blocks {@code senderId}: a room does not deliver that player's chat to
     * it. {@link #loop()} only; members that block no one answer false at the cost of a check.
     */
    default boolean blocks(long senderId) {
        return false;
    }
}
