package dev.parley.protocol;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.Member;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
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

import java.util.concurrent.TimeUnit;

/** Frame encode and decode cost for the payload sizes of the original's load profile. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({"64", "256", "1536"})
    int textBytes;

    private ChatNotify notify;
    private ByteBuf requestFrame;
    private EmbeddedChannel decoder;

    @Setup
    public void setup() {
        String text = "x".repeat(textBytes);
        notify = ChatNotify.newBuilder().setRoomId(3).setSeq(123_456).setClientMsgId(987_654_321L)
                .setSender(Member.newBuilder().setPlayerId(42).setName("lg-player-0042").build())
                .setText(text).setServerTimeMs(System.currentTimeMillis()).build();
        requestFrame = Frames.encode(PooledByteBufAllocator.DEFAULT,
                ChatRequest.newBuilder().setText(text).setClientMsgId(987_654_321L).build());
        decoder = new EmbeddedChannel(new FrameDecoder(FrameDecoder.Side.SERVER, Frames.MAX_FRAME_LENGTH));
    }

    @TearDown
    public void tearDown() {
        requestFrame.release();
        decoder.finishAndReleaseAll();
    }

    /** One broadcast's encode: the server does this once per chat message, not per recipient. */
    @Benchmark
    public int encodeChatNotify() {
        ByteBuf b = Frames.encode(PooledByteBufAllocator.DEFAULT, notify);
        int n = b.readableBytes();
        b.release();
        return n;
    }

    /** Header validation and protobuf parse of one inbound chat request, through the pipeline. */
    @Benchmark
    public Object decodeChatRequest() {
        decoder.writeInbound(requestFrame.retainedDuplicate());
        return decoder.readInbound();
    }
}
