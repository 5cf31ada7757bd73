package dev.parley.room;

import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.Member;
import dev.parley.session.ClientSession;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A room's broadcast: encode once, one retained duplicate and one write per member, flushes
 * batched. Members sit on EmbeddedChannels, so this is the server's own cost without the
 * kernel's. Reported per broadcast; divide by members for the cost per delivery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutBenchmark {

    @Param({"50", "500"})
    int members;

    private Room room;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private ServerMetrics metrics;
    private ChatNotify notify;

    @Setup
    public void setup() {
        metrics = new ServerMetrics(new SimpleMeterRegistry());
        RoomContext context = RoomContext.unlogged(new LocalRoomDirectory(1), metrics);
        room = new Room(1, "bench", members, ImmediateEventExecutor.INSTANCE, false, RoomSequence.startingAfter(0),
                context.history().open(1), context);
        for (int i = 0; i < members; i++) {
            EmbeddedChannel ch = new EmbeddedChannel();
            channels.add(ch);
            ClientSession s = new ClientSession(ch, metrics, 0);
            s.bind(i + 1, "member-" + i);
            room.join(s, JoinRoomRequest.getDefaultInstance());
        }
        drain(); // the join responses and notices
        notify = ChatNotify.newBuilder().setRoomId(1).setSeq(1).setText("x".repeat(64))
                .setSender(Member.newBuilder().setPlayerId(1).setName("member-0").build()).build();
    }

    @TearDown
    public void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Benchmark
    public void broadcast() {
        ByteBuf frame = Frames.encode(PooledByteBufAllocator.DEFAULT, notify);
        room.broadcast(frame, null, 0);
        drain();
    }

    private void drain() {
        for (EmbeddedChannel ch : channels) {
            ch.runPendingTasks(); // the batched flush
            for (Object o; (o = ch.readOutbound()) != null; ) {
                ReferenceCountUtil.release(o);
            }
        }
    }
}
