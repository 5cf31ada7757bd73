package dev.parley.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.parley.protocol.FrameDecoder;
import dev.parley.protocol.Frames;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.ProtocolViolationException;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.testing.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's {@link FrameDecoder} fed arbitrary bytes in arbitrary read splits.
 *
 * <p>Input layout ({@link FuzzInput}): from the back, the number of reads (1 + 0..15) and the
 * size of each read but the last (0..16384); the front bytes are the stream. Checked for every
 * input: the decoder emits exactly the messages the framing rules of docs/protocol.md give for
 * the stream, whatever the splits; it raises {@link ProtocolViolationException} (and nothing
 * else) exactly when the stream breaks a rule, once, and then discards everything; it never
 * holds more than one partial frame; every buffer is released.
 */
class FrameDecoderFuzzTest {

    private static final int MAX_FRAME = Frames.DEFAULT_MAX_CLIENT_FRAME;

    @FuzzTest(maxDuration = FuzzBudget.MAX_DURATION)
    void decodesOrRefusesAnyStream(FuzzedDataProvider data) {
        FuzzInput in = new FuzzInput(data);
        int reads = 1 + in.small(15);
        int[] sizes = new int[reads - 1];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = in.medium(2 * MAX_FRAME);
        }
        byte[] stream = in.rest();

        // a private allocator counts the live bytes of exactly this run's buffers
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Side.SERVER, MAX_FRAME);
        ch.pipeline().addLast(decoder);

        List<Object> decoded = new ArrayList<>();
        int violations = 0;
        int offset = 0;
        for (int i = 0; i < reads; i++) {
            int n = i < sizes.length ? Math.min(sizes[i], stream.length - offset) : stream.length - offset;
            ByteBuf chunk = alloc.heapBuffer(n).writeBytes(stream, offset, n);
            offset += n;
            try {
                ch.writeInbound(chunk);
            } catch (ProtocolViolationException e) {
                violations++;
            }
            drain(ch, decoded);
            int buffered = Cumulation.buffered(decoder);
            // what is left is one partial frame, never more, and nothing at all after a violation
            assertThat(buffered).isLessThan(violations > 0 ? 1 : MAX_FRAME);
        }

        Expected expected = Expected.of(stream, MAX_FRAME);
        assertThat(decoded).containsExactlyElementsOf(expected.messages());
        assertThat(violations).isEqualTo(expected.violation() ? 1 : 0);
        if (expected.violation()) {
            // the stream is no longer trusted: even a well-formed frame is dropped
            ch.writeInbound(alloc.heapBuffer().writeBytes(Wire.frame(PingRequest.getDefaultInstance())));
            assertThat(ch.<Object>readInbound()).isNull();
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(alloc.metric().usedHeapMemory()).as("bytes still held after the channel closed").isZero();
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    private static void drain(EmbeddedChannel ch, List<Object> out) {
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
    }

    /**
     * What a server must make of a whole stream, read straight from the framing rules: frames
     * are taken while complete and valid; the first bad header (length outside 4..max, type not
     * a client request) or unparsable complete body is a violation; a trailing partial frame
     * with a good header is just waiting for more bytes.
     */
    record Expected(List<MessageLite> messages, boolean violation) {

        static Expected of(byte[] s, int maxFrame) {
            List<MessageLite> messages = new ArrayList<>();
            int off = 0;
            while (s.length - off >= Frames.HEADER_BYTES) {
                int length = ((s[off] & 0xff) << 8) | (s[off + 1] & 0xff);
                int type = ((s[off + 2] & 0xff) << 8) | (s[off + 3] & 0xff);
                MessageCatalog.Kind kind = MessageCatalog.byType(type);
                if (length < Frames.HEADER_BYTES || length > maxFrame || kind == null || !kind.sentByClient()) {
                    return new Expected(messages, true);
                }
                if (s.length - off < length) {
                    break;
                }
                try {
                    messages.add(kind.parser().parseFrom(s, off + Frames.HEADER_BYTES, length - Frames.HEADER_BYTES));
                } catch (InvalidProtocolBufferException e) {
                    return new Expected(messages, true);
                }
                off += length;
            }
            return new Expected(messages, false);
        }
    }
}
