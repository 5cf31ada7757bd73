package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spreading clients over several servers, and reading the per-node and Redis sources (pure functions). */
class ClusterOptionsTest {

    @Test
    void serverListsParseAndNameTheBadEntry() {
        assertThat(ServerAddress.parseList("127.0.0.1:7777, node-b:7778,[::1]:7779")).containsExactly(
                new ServerAddress("127.0.0.1", 7777), new ServerAddress("node-b", 7778), new ServerAddress("::1", 7779));
        assertThat(ServerAddress.parseList(null)).isEmpty();
        assertThat(ServerAddress.parseList(" ")).isEmpty();
        assertThat(new ServerAddress("::1", 7779)).hasToString("[::1]:7779");
        assertThatThrownBy(() -> ServerAddress.parseList("127.0.0.1:7777,localhost"))
                .hasMessageContaining("'localhost' is not host:port");
        assertThatThrownBy(() -> ServerAddress.parseList("a:x")).hasMessageContaining("'a:x' has no port number");
        assertThatThrownBy(() -> ServerAddress.parseList("a:70000")).hasMessageContaining("1..65535");
    }

    @Test
    void membersSpreadEveryRoomOverAllNodes() {
        RoomLayout layout = new RoomLayout(500, 10);
        int[][] perRoomPerNode = count(layout, NodeSplit.MEMBERS, 2);
        for (int room = 0; room < 10; room++) {
            assertThat(perRoomPerNode[room]).containsExactly(25, 25);
        }
        // creators (position 0) are all on the first node
        for (int creator = 0; creator < 10; creator++) {
            assertThat(NodeSplit.MEMBERS.node(layout, creator, 2)).isZero();
        }
        // uneven: 3 nodes, rooms of 50 -> 17/17/16
        assertThat(count(layout, NodeSplit.MEMBERS, 3)[4]).containsExactly(17, 17, 16);
    }

    @Test
    void roomsKeepEachRoomOnOneNode() {
        RoomLayout layout = new RoomLayout(500, 10);
        int[][] perRoomPerNode = count(layout, NodeSplit.ROOMS, 2);
        for (int room = 0; room < 10; room++) {
            assertThat(perRoomPerNode[room][room % 2]).isEqualTo(50);
            assertThat(perRoomPerNode[room][1 - room % 2]).isZero();
        }
    }

    @Test
    void roundRobinFollowsTheClientIndex() {
        RoomLayout even = new RoomLayout(500, 10);
        assertThat(NodeSplit.ROUND_ROBIN.node(even, 7, 2)).isEqualTo(1);
        assertThat(NodeSplit.ROUND_ROBIN.node(even, 8, 3)).isEqualTo(2);
        // 2 nodes divide 10 rooms: the same as rooms
        for (int c = 0; c < 500; c++) {
            assertThat(NodeSplit.ROUND_ROBIN.node(even, c, 2)).isEqualTo(NodeSplit.ROOMS.node(even, c, 2));
        }
        // 3 nodes do not divide 10 rooms: every room is split
        int[][] odd = count(even, NodeSplit.ROUND_ROBIN, 3);
        assertThat(odd[0]).containsExactly(17, 17, 16);
    }

    @Test
    void splitNamesParse() {
        assertThat(NodeSplit.parse("members")).isEqualTo(NodeSplit.MEMBERS);
        assertThat(NodeSplit.parse(" Rooms ")).isEqualTo(NodeSplit.ROOMS);
        assertThat(NodeSplit.parse("round-robin")).isEqualTo(NodeSplit.ROUND_ROBIN);
        assertThatThrownBy(() -> NodeSplit.parse("random")).hasMessageContaining("members, rooms or round-robin");
        assertThatThrownBy(() -> NodeSplit.MEMBERS.node(new RoomLayout(2, 1), 0, 0)).hasMessageContaining("at least one");
    }

    @Test
    void configAssignsServersAndChecksPerServerLists() {
        LoadgenConfig c = new LoadgenConfig();
        c.host = "h";
        c.port = 1;
        assertThat(c.targets()).containsExactly(new ServerAddress("h", 1));
        c.servers = ServerAddress.parseList("a:1,b:2");
        RoomLayout layout = new RoomLayout(c.clients, c.rooms);
        assertThat(c.serverFor(layout, 0)).isEqualTo(new ServerAddress("a", 1)); // room 0, position 0
        assertThat(c.serverFor(layout, 10)).isEqualTo(new ServerAddress("b", 2)); // room 0, position 1
        c.validate();
        c.adminUrls = new ArrayList<>(List.of(URI.create("http://a:9090")));
        assertThatThrownBy(c::validate).hasMessageContaining("--admin-urls needs one URL per server (2), not 1");
        c.adminUrls = new ArrayList<>();
        c.nodePids = new ArrayList<>(List.of(1L, 2L, 3L));
        assertThatThrownBy(c::validate).hasMessageContaining("--node-pids needs one pid per server (2), not 3");
    }

    @Test
    void nodeCountersComeFromTheScrape() {
        String scrape = """
                # HELP parley_deliveries_total Notifies written to clients
                # TYPE parley_deliveries_total counter
                parley_deliveries_total 1234567.0
                # TYPE process_cpu_time_ns_total counter
                process_cpu_time_ns_total 7.01E9
                process_cpu_usage 0.5
                """;
        NodeMetrics.Counters c = NodeMetrics.parse(scrape);
        assertThat(c.cpuSeconds()).isEqualTo(7.01);
        assertThat(c.deliveries()).isEqualTo(1_234_567.0);
        assertThat(NodeMetrics.parse("process_cpu_usage 0.5\n").cpuSeconds()).isNaN();
    }

    @Test
    void redisInfoGivesCpuAndTraffic() {
        String info = "# Stats\r\ntotal_net_input_bytes:74\r\ntotal_net_output_bytes:475\r\n"
                + "# CPU\r\nused_cpu_sys:0.25\r\nused_cpu_user:1.5\r\nused_cpu_sys_children:9.0\r\n";
        RedisInfo.Totals t = RedisInfo.parse(info);
        assertThat(t.cpuSeconds()).isEqualTo(1.75); // children (fork for saving) are not Redis serving
        assertThat(t.netInputBytes()).isEqualTo(74);
        assertThat(t.netOutputBytes()).isEqualTo(475);
        assertThatThrownBy(() -> RedisInfo.parse("# CPU\r\nused_cpu_sys:1\r\n")).hasMessageContaining("INFO lacks");
        assertThat(new String(RedisInfo.command(List.of("AUTH", "pässword")), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n");
        assertThat(new RedisInfo("redis://127.0.0.1:6400").address()).isEqualTo("127.0.0.1:6400");
        assertThat(new RedisInfo("redis://10.0.0.1").port()).isEqualTo(6379);
        assertThatThrownBy(() -> new RedisInfo("http://x:1")).hasMessageContaining("--redis-uri must be redis://");
    }

    @Test
    void socketTrafficSumsEachProcessesConnections() {
        String ss = """
                0      0      127.0.0.1:58726 127.0.0.1:16399 users:(("java",pid=101,fd=3))
                \t bbr wscale:10,10 rto:204 bytes_sent:27 bytes_acked:28 bytes_received:172298 segs_out:8
                0      0      127.0.0.1:58730 127.0.0.1:16399 users:(("java",pid=101,fd=4))
                \t bbr bytes_sent:3 bytes_acked:4 bytes_received:2 segs_out:8
                0      0      127.0.0.1:58740 127.0.0.1:16399 users:(("java",pid=202,fd=9))
                \t bbr bytes_sent:1000 bytes_acked:1001 segs_out:8
                0      0      127.0.0.1:58750 127.0.0.1:16399
                \t bbr bytes_sent:5 bytes_received:5
                """;
        Map<Long, SocketTraffic.Bytes> byPid = SocketTraffic.parse(ss);
        assertThat(byPid).containsOnlyKeys(101L, 202L); // the socket without a visible process is left out
        assertThat(byPid.get(101L)).isEqualTo(new SocketTraffic.Bytes(30, 172_300));
        assertThat(byPid.get(202L)).isEqualTo(new SocketTraffic.Bytes(1000, 0));
    }

    private static int[][] count(RoomLayout layout, NodeSplit split, int nodes) {
        int[][] n = new int[layout.rooms()][nodes];
        for (int c = 0; c < layout.clients(); c++) {
            n[layout.room(c)][split.node(layout, c, nodes)]++;
        }
        return n;
    }
}
