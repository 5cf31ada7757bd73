package dev.parley.session;

import dev.parley.room.Room;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.Member;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One client connection and the player bound to it.
 *
 * <p>Threading: {@link #room}, the login state and the rate limiter belong to the channel's
 * event loop. The player identity is published once at login (volatile) and read by room
 * job queues afterwards.
 */
public final class ClientSession implements FlushBatcher.Flushable {

    private final Channel channel;
    private final RateLimiter rateLimiter;
    private volatile Member member;
    private boolean loginPending;
    /** The room this session is in or joining; event loop only. */
    private Room room;
    private boolean rateLimitLogged;
    /** Event loop only: this channel has writes waiting for the loop's batched flush. */
    private boolean flushPending;

    public ClientSession(Channel channel, int requestsPerSecond) {
        this.channel = channel;
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
    public Member member() {
        return member;
    }

    public long playerId() {
        Member m = member;
        return m == null ? 0 : m.getPlayerId();
    }

    public String name() {
        Member m = member;
        return m == null ? null : m.getName();
    }

    public void bind(long playerId, String name) {
        member = Member.newBuilder().setPlayerId(playerId).setName(name).build();
    }

    public boolean loginPending() {
        return loginPending;
    }

    public void loginPending(boolean pending) {
        loginPending = pending;
    }

    public Room room() {
        return room;
    }

    public void room(Room room) {
        this.room = room;
    }

    /** Takes one request token; false when the connection is over its rate. */
    public boolean tryAcquire(long nowNanos) {
        return rateLimiter == null || rateLimiter.tryAcquire(nowNanos);
    }

    /** True the first time only, so a flooding client is logged once, not per request. */
    public boolean firstRateLimitLog() {
        boolean first = !rateLimitLogged;
        rateLimitLogged = true;
        return first;
    }

    /** Encodes and sends one message to this client. Safe from any thread. */
    public void send(MessageLite message) {
        if (channel.isActive()) {
            channel.writeAndFlush(Frames.encode(channel.alloc(), message), channel.voidPromise());
        }
    }

    @Override
    public String toString() {
        Member m = member;
        return m == null ? "session" + channel.remoteAddress() : "player:" + m.getPlayerId() + "(" + m.getName() + ")";
    }
}
