package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts of the hostile extras and of the bench's server watch. */
class HostileFiguresTest {

    @Test
    void closesAreSummarisedByTimeAndByTheLastErrorNotify() {
        HostileStats s = new HostileStats();
        s.connections.addAndGet(4);
        s.error("RATE_LIMITED");
        s.error("RATE_LIMITED");
        s.closedByServer(10_400, "RATE_LIMITED");
        s.closedByServer(10_100, "RATE_LIMITED");
        s.closedByServer(5_200, null);

        HostileStats.Report r = s.report(3, 1);
        assertThat(r.configured()).isEqualTo(3);
        assertThat(r.connections()).isEqualTo(4);
        assertThat(r.closedByServer()).isEqualTo(3);
        assertThat(r.openAtEnd()).isEqualTo(1);
        assertThat(r.closeResults()).containsExactly(Map.entry("RATE_LIMITED", 2L),
                Map.entry(HostileStats.NO_ERROR_NOTIFY, 1L));
        assertThat(r.errorsByResult()).containsExactly(Map.entry("RATE_LIMITED", 2L));
        assertThat(r.closedAfterMinS()).isEqualTo(5.2);
        assertThat(r.closedAfterMedianS()).isEqualTo(10.1);
        assertThat(r.closedAfterMaxS()).isEqualTo(10.4);
    }

    @Test
    void lifetimeQuantilesUseTheNearestRankAndAreAbsentWithoutCloses() {
        assertThat(HostileStats.seconds(List.of(), 0.5)).isNull();
        assertThat(HostileStats.seconds(List.of(1_000L, 2_000L, 3_000L, 4_000L), 0.5)).isEqualTo(2.0);
        assertThat(HostileStats.seconds(List.of(1_000L, 2_000L, 3_000L, 4_000L), 0)).isEqualTo(1.0);
        assertThat(HostileStats.seconds(List.of(1_000L, 2_000L, 3_000L, 4_000L), 1)).isEqualTo(4.0);
        assertThat(new HostileStats().report(0, 0).closedAfterMaxS()).isNull();
    }

    @Test
    void halfAHeaderIsTwoBytesOfAFrameLengthThatNeverCompletes() {
        assertThat(HostileConnection.HALF_HEADER_BYTES).hasSize(2);
        int announced = ((HostileConnection.HALF_HEADER_BYTES[0] & 0xFF) << 8) | (HostileConnection.HALF_HEADER_BYTES[1] & 0xFF);
        assertThat(announced).isGreaterThan(4); // a plausible frame, so the server waits for the rest
    }

    @Test
    void residentMemoryIsReadFromProcStatus() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  162048 kB\nRssAnon:\t 100 kB\n";
        assertThat(ServerWatch.parseVmRssKb(status)).isEqualTo(162_048);
        assertThatThrownBy(() -> ServerWatch.parseVmRssKb("Name:\tjava\n")).hasMessageContaining("VmRSS");
        assertThat(ServerWatch.rssMb(ProcessHandle.current().pid())).isGreaterThan(1.0); // this JVM, on Linux
    }

    @Test
    void aWatchReportsTheMemoryAtItsMarkAndItsPeak() throws Exception {
        ServerWatch w = new ServerWatch(ProcessHandle.current().pid(), 0, null); // no admin port: no /health polls
        w.mark();
        ServerWatch.Figures f = w.stop();
        assertThat(f.rssAtMarkMb()).isPositive();
        // the watch samples once a second; stopped at once it has taken at most one sample
        assertThat(f.rssMbPerSecond()).hasSizeLessThanOrEqualTo(1).allSatisfy(v -> assertThat(v).isPositive());
        assertThat(f.healthPolls()).isZero();
    }

    @Test
    void healthNeedsStatus200() {
        assertThat(ServerWatch.healthy("HTTP/1.1 200")).isTrue();
        assertThat(ServerWatch.healthy("HTTP/1.0 200 OK")).isTrue();
        assertThat(ServerWatch.healthy("HTTP/1.1 503")).isFalse();
        assertThat(ServerWatch.healthy("")).isFalse();
    }

    @Test
    void benchServerArgsGiveWayToTheSameFlagInServerArgs() {
        List<String> own = List.of("--port", "0", "--rate-limit", "0", "--admin-port", "0");
        assertThat(Bench.serverArgs(own, List.of("--rate-limit", "100", "--transport", "epoll")))
                .containsExactly("--port", "0", "--admin-port", "0", "--rate-limit", "100", "--transport", "epoll");
        assertThat(Bench.serverArgs(own, List.of("--rate-limit=100")))
                .containsExactly("--port", "0", "--admin-port", "0", "--rate-limit=100");
        assertThat(Bench.serverArgs(own, List.of())).isEqualTo(own);
    }

    @Test
    void hostileExtrasAreValidatedAndCountTowardsTheFileLimit() {
        LoadgenConfig c = new LoadgenConfig();
        c.flooders = -1;
        assertThatThrownBy(c::validate).hasMessageContaining("--flooders");
        c.flooders = 0;
        c.silentConnections = -1;
        assertThatThrownBy(c::validate).hasMessageContaining("--silent-connections");
        c.silentConnections = 0;
        assertThat(c.hasHostile()).isFalse();
        c.flooders = 1;
        assertThat(c.hasHostile()).isTrue();
        BenchConfig b = new BenchConfig();
        b.load.silentConnections = 10;
        b.findMax = true;
        assertThatThrownBy(b::validate).hasMessageContaining("not with --find-max");
    }
}
