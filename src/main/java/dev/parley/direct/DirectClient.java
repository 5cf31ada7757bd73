package dev.parley.direct;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.Member;
import io.netty.util.concurrent.EventExecutor;

/**
 * What direct messages need of a logged-in connection: who it is, a way to reach it, and the
 * players it blocks. The session layer implements it.
 */
public interface DirectClient {

    /** The logged-in player; fixed from login on, any thread. */
    Member member();

    /** The event loop that owns the connection (and its block list). */
    EventExecutor loop();

    /** Encodes and sends one message now. Any thread. */
    void send(MessageLite message);

    /** The players this connection's player blocks. {@link #loop()} only. */
    BlockList blockList();

    /** Replaces the block list (at login, on a block or unblock). {@link #loop()} only. */
    void blockList(BlockList blocks);
}
