package dev.parley.session;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.Member;
import dev.parley.room.Membership;
import dev.parley.room.RoomMember;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;

/**
 * One client connection and the player bound to it: what rooms see as a {@link RoomMember} and
 * presence as an {@link OnlinePlayer}.
 *
 * <p>Threading: the login state, the rate limiter and {@link #rooms()} belong to the channel's
 * event loop. The player identity is published once at login (volatile) and read by room job
 * queues afterwards. {@link #send} is safe from any thread.
 */
public final class ClientSession implements RoomMember, OnlinePlayer, FlushBatcher.Flushable {

    private final Channel channel;
    private final ServerMetrics metrics;
    private final RateLimiter rateLimiter;
    private final Membership rooms = new Membership();
    private volatile Member member;
    // event loop only
    private boolean loginPending;
    private boolean rateLimitLogged;
    private boolean flushPending;
    private FlushBatcher batcher;

    /** @param requestsPerSecond the connection's rate limit (burst twice that); 0 = unlimited */
    public ClientSession(Channel channel, ServerMetrics metrics, int requestsPerSecond) {
        this.channel = channel;
        this.metrics = metrics;
        this.rateLimiter = requestsPerSecond > 0 ? new RateLimiter(requestsPerSecond, 2L * requestsPerSecond) : null;
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

    /** Event loop only. Binds the player; from now on the session is logged in. */
    public void bind(long playerId, String name) {
        member = Member.newBuilder().setPlayerId(playerId).setName(name).build();
    }

    boolean loginPending() {
        return loginPending;
    }

    void loginPending(boolean pending) {
        loginPending = pending;
    }

    /** Takes one request token; false when the connection is over its rate. */
    boolean tryAcquire(long nowNanos) {
        return rateLimiter == null || rateLimiter.tryAcquire(nowNanos);
    }

    /** True the first time only, so a flooding client is logged once, not per request. */
    boolean firstRateLimitLog() {
        boolean first = !rateLimitLogged;
        rateLimitLogged = true;
        return first;
    }

    @Override
    public void send(MessageLite message) {
        if (channel.isActive()) {
            channel.writeAndFlush(Frames.encode(channel.alloc(), message), channel.voidPromise());
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
        return true;
    }

    @Override
    public String toString() {
        Member m = member;
        return m == null ? "session" + channel.remoteAddress() : "player:" + m.getPlayerId() + "(" + m.getName() + ")";
    }
}
