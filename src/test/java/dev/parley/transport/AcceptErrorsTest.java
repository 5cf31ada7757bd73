package dev.parley.transport;

import dev.parley.metrics.ServerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed accepts: counted, not passed on, and accepting pauses briefly instead of spinning. */
class AcceptErrorsTest {

    @Test
    void aFailedAcceptIsCountedAndAcceptingPausesForAMoment() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EmbeddedChannel listener = new EmbeddedChannel();
        listener.freezeTime();
        listener.pipeline().addLast(new AcceptErrors(new ServerMetrics(meters)));
        for (int i = 0; i < 1000; i++) {
            listener.pipeline().fireExceptionCaught(new IOException("Too many open files"));
        }
        listener.checkException(); // nothing reached the end of the pipeline
        assertThat(meters.get("parley.accept.errors").counter().count()).isEqualTo(1000);
        assertThat(listener.config().isAutoRead()).isFalse();
        listener.advanceTimeBy(AcceptErrors.PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();
        listener.finishAndReleaseAll();
    }
}
