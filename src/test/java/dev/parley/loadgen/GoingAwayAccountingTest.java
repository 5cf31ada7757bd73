package dev.parley.loadgen;

import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.GoingAwayNotify;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection closed by a draining server is not a disconnect in the load generator's report. */
class GoingAwayAccountingTest {

    private final LoopStats stats = new LoopStats();
    private final List<String> events = new ArrayList<>();

    private EmbeddedChannel connection() {
        LoadClient client = new LoadClient(0, "c0", new RoomLayout(2, 1), 0);
        LoadClientHandler handler = new LoadClientHandler(client, new PhaseTable(), stats, new LoadClientHandler.Events() {
            @Override
            public void chatRefused(LoadClient c, ErrorNotify error) {
                events.add("refused");
            }

            @Override
            public void otherError(LoadClient c, ErrorNotify error) {
                events.add("error");
            }

            @Override
            public void disconnected(LoadClient c, Throwable cause) {
                events.add("disconnected");
            }

            @Override
            public void malformed(LoadClient c, String what) {
                events.add("malformed " + what);
            }
        });
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        client.channel = ch;
        return ch;
    }

    private long disconnects() {
        return new Counts(stats.snapshot(false, null, null).counters()).get(Counts.DISCONNECTS);
    }

    @Test
    void aCloseAfterGoingAwayIsNoDisconnect() {
        EmbeddedChannel ch = connection();
        ch.writeInbound(Frames.encode(ByteBufAllocator.DEFAULT,
                GoingAwayNotify.newBuilder().setReason("shutting down").setReconnectAfterMs(1000).build()));
        ch.close();
        assertThat(disconnects()).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void aCloseWithoutNoticeStillIs() {
        EmbeddedChannel ch = connection();
        ch.close();
        assertThat(disconnects()).isEqualTo(1);
        assertThat(events).containsExactly("disconnected");
    }
}
