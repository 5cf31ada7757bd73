package dev.parley.session;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.direct.BlockList;
import dev.parley.direct.DirectClient;
import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import dev.parley.moderation.ModerationService;
import dev.parley.protocol.Frames;
import dev.parley.protocol.Replies;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.room.Membership;
import dev.parley.room.RoomMember;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection and the player bound to it: what rooms see as a {@link RoomMember},
 * presence as an {@link OnlinePlayer} and direct messages as a {@link DirectClient}.
 *
 * <p>It also enforces the memory bound of its connection: whenever a write leaves the channel
 * above its high-water mark, the unsent bytes are compared with {@code maxPendingBytes}, and a
 * connection past it is closed at once, so a client that does not read cannot make the server
 * hold more than that for it.
 *
 * <p>Threading: the login state, {@link #rooms()}, the {@link #blockList()} (read by rooms'
 * fan-out on this loop) and the flush flag belong to the channel's event loop. The player identity is published once at login (volatile) and read by room job
 * queues afterwards. {@link #send} and {@link #disconnect} are safe from any thread.
 */
public final class ClientSession implements RoomMember, OnlinePlayer, DirectClient, ModerationService.Actor,
        FlushBatcher.Flushable {

    private static final LogLimiter backlogLog =
            new LogLimiter(LoggerFactory.getLogger(ClientSession.class), Duration.ofSeconds(10));

    private final Channel channel;
    private final ServerMetrics metrics;
    private final long maxPendingBytes;
    private final Membership rooms = new Membership();
    /** Completed once the connection is closed and has left its rooms and presence. */
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private volatile Member member;
    /** The player's roles from its token, published before {@link #member}. */
    private volatile List<String> roles = List.of();
    // event loop only
    private boolean loginPending;
    private boolean flushPending;
    private FlushBatcher batcher;
    private BlockList blocks = BlockList.EMPTY;

    /** @param maxPendingBytes unsent bytes past which the connection is closed at once */
    public ClientSession(Channel channel, ServerMetrics metrics, long maxPendingBytes) {
        this.channel = channel;
        this.metrics = metrics;
        this.maxPendingBytes = maxPendingBytes;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean flushPending() {
        return flushPending;
    }

    @Override
    public void flushPending(boolean pending) {
        flushPending = pending;
    }

    public boolean isLoggedIn() {
        return member != null;
    }

    /** The logged-in player, or null before login. */
    @Override
    public Member member() {
        return member;
    }

    @Override
    public long playerId() {
        Member m = member;
        return m == null ? 0 : m.getPlayerId();
    }

    @Override
    public String name() {
        Member m = member;
        return m == null ? null : m.getName();
    }

    @Override
    public List<String> roles() {
        return roles;
    }

    @Override
    public EventExecutor loop() {
        return channel.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public Membership rooms() {
        return rooms;
    }

    @Override
    public BlockList blockList() {
        return blocks;
    }

    @Override
    public void blockList(BlockList blocks) {
        this.blocks = blocks;
    }

    @Override
    public boolean blocks(long senderId) {
        return blocks.contains(senderId);
    }

    /** Event loop only. Binds the player; from now on the session is logged in. */
    public void bind(long playerId, String name) {
        bind(playerId, name, List.of());
    }

    /** {@link #bind(long, String)} with the roles its token gave the player. */
    public void bind(long playerId, String name, List<String> roles) {
        this.roles = List.copyOf(roles);
        member = Member.newBuilder().setPlayerId(playerId).setName(name).build();
    }

    boolean loginPending() {
        return loginPending;
    }

    void loginPending(boolean pending) {
        loginPending = pending;
    }

    @Override
    public void send(MessageLite message) {
        if (channel.isActive()) {
            channel.writeAndFlush(Frames.encode(channel.alloc(), message), channel.voidPromise());
            if (!channel.isWritable() && channel.eventLoop().inEventLoop()) {
                checkBacklog();
            }
        }
    }

    @Override
    public boolean deliver(ByteBuf frame) {
        if (!channel.isActive()) {
            return false;
        }
        channel.write(frame.retainedDuplicate(), channel.voidPromise());
        if (batcher == null) {
            batcher = FlushBatcher.current(); // deliveries run on this channel's loop only
        }
        batcher.mark(this, metrics);
        if (!channel.isWritable()) {
            checkBacklog();
        }
        return true;
    }

    /** Event loop only: closes the connection if it holds more unsent bytes than allowed. */
    void checkBacklog() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        long pending = out == null ? 0 : out.totalPendingWriteBytes();
        if (pending > maxPendingBytes && channel.isActive()) {
            metrics.backlogDisconnect();
            backlogLog.info("[{}] closed: {} bytes unsent, over max-pending-bytes ({})", this, pending, maxPendingBytes);
            channel.close();
        }
    }

    /**
     * Tells the client why and closes the connection; the returned future completes once the
     * session has left its rooms and presence. Any thread.
     */
    @Override
    public CompletableFuture<Void> disconnect(Result result, String reason) {
        channel.eventLoop().execute(() -> {
            if (channel.isActive()) {
                // flushed before the close, so it reaches a live client; a ghost's socket may take nothing
                channel.writeAndFlush(Frames.encode(channel.alloc(), Replies.error(result, reason,
                        MsgType.MSG_TYPE_UNSPECIFIED)), channel.voidPromise());
            }
            channel.close();
        });
        return gone;
    }

    /** Event loop only: the connection has closed, left its rooms and given up its name. */
    void gone() {
        gone.complete(null);
    }

    @Override
    public String toString() {
        Member m = member;
        return m == null ? "session" + channel.remoteAddress() : "player:" + m.getPlayerId() + "(" + m.getName() + ")";
    }
}
