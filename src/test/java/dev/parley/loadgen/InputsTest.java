package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Command line values and environment checks. */
class InputsTest {

    @Test
    void durationsAcceptCommonUnits() {
        assertThat(Durations.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("bad duration 'soon'");
        assertThat(Durations.wholeSeconds(Duration.ofSeconds(3), "--x")).isEqualTo(3);
        assertThatThrownBy(() -> Durations.wholeSeconds(Duration.ofMillis(1500), "--warmup"))
                .hasMessageContaining("--warmup must be a whole number of seconds");
    }

    @Test
    void sourceAddressesExpandRangesAndLists() throws Exception {
        assertThat(SourceAddresses.parse("127.0.0.1-127.0.0.3")).containsExactly(
                InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"));
        assertThat(SourceAddresses.parse("127.0.0.9, 127.0.1.254-127.0.2.1")).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.9", "127.0.1.254", "127.0.1.255", "127.0.2.0", "127.0.2.1");
        assertThat(SourceAddresses.parse(null)).isEmpty();
        assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.5-127.0.0.1")).hasMessageContaining("backwards");
        assertThatThrownBy(() -> SourceAddresses.parse("localhost")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.256")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> SourceAddresses.parse("10.0.0.0-10.1.0.0")).hasMessageContaining("more than");
    }

    @Test
    void fileDescriptorLimitIsCheckedBeforeConnecting() {
        assertThatCode(() -> ResourceCheck.checkFileDescriptors(500, 40, 20_000)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ResourceCheck.checkFileDescriptors(19_900, 40, 20_000))
                .isInstanceOf(LoadgenSetupException.class)
                .hasMessageContaining("19900 clients need about 20068 open files")
                .hasMessageContaining("may open only 20000")
                .hasMessageContaining("ulimit -n 20068");
    }

    @Test
    void deliveryTrackingMemoryIsCheckedAgainstTheHeap() {
        // 500 clients in 10 rooms: 10 rooms x 50 receivers x 50 senders x 4 bytes, plus array headers
        assertThat(DeliveryTracker.bytesNeeded(new RoomLayout(500, 10))).isEqualTo(10 * 50 * (50 * 4 + 16));
        assertThatCode(() -> ResourceCheck.checkMemory(DeliveryTracker.bytesNeeded(new RoomLayout(500, 10)), 64L << 20))
                .doesNotThrowAnyException();
        long oneHugeRoom = DeliveryTracker.bytesNeeded(new RoomLayout(30_000, 1)); // 3.6 GB
        assertThatThrownBy(() -> ResourceCheck.checkMemory(oneHugeRoom, 4L << 30))
                .isInstanceOf(LoadgenSetupException.class)
                .hasMessageContaining("needs 3,433 MB but the heap is 4,096 MB")
                .hasMessageContaining("more --rooms");
    }

    @Test
    void ephemeralPortsLimitClientsPerSourceAddress() {
        assertThatCode(() -> ResourceCheck.checkPorts(28_000, 0, 28_232)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ResourceCheck.checkPorts(60_000, 0, 28_232))
                .hasMessageContaining("60000 clients need 3 source addresses")
                .hasMessageContaining("--source-addresses 127.0.0.1-127.0.0.3");
        assertThatCode(() -> ResourceCheck.checkPorts(60_000, 3, 28_232)).doesNotThrowAnyException();
        assertThat(ResourceCheck.ephemeralPorts()).isPositive();
    }

    @Test
    void configValidationNamesTheOption() {
        LoadgenConfig c = new LoadgenConfig();
        c.rooms = 600;
        assertThatThrownBy(c::validate).hasMessageContaining("--rooms");
        c = new LoadgenConfig();
        c.runId = "no spaces!";
        assertThatThrownBy(c::validate).hasMessageContaining("--run-id");
        c = new LoadgenConfig();
        c.duration = Duration.ofMillis(2500);
        assertThatThrownBy(c::validate).hasMessageContaining("--duration");
        assertThat(new LoadgenConfig().playerName(7)).matches("lg-[0-9a-f]{6}-7");
    }

    @Test
    void procStatCpuTicksSkipTheCommandName() {
        String stat = "1234 (java (weird) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 30 0 100 0 0";
        assertThat(ProcStat.parseCpuTicks(stat)).isEqualTo(325);
        double self = ProcStat.cpuSeconds(ProcessHandle.current().pid());
        assertThat(self).isPositive();
    }

    @Test
    void rampRatesGrowByTheFactorRoundedToTwoDigits() {
        double r = 10;
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            seq.append(ResultPrinter.trim(r)).append(' ');
            r = Bench.nextRate(r, 1.5);
        }
        assertThat(seq.toString().trim()).isEqualTo("10 15 23 35 53 80 120 180");
        assertThat(Bench.nextRate(1, 1.05)).isGreaterThan(1);
    }
}
