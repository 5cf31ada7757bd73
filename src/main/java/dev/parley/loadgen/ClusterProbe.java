package dev.parley.loadgen;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-node and Redis figures of a run against several servers ({@code loadgen --servers}):
 * samples each node's {@code /metrics} (CPU time, deliveries written), its traffic with Redis
 * (by pid, {@link SocketTraffic}) and Redis's own CPU and network totals ({@link RedisInfo}) when
 * the measured window starts and ends, and turns the differences into rates and CPU per
 * delivery. A source that cannot be read leaves its figures out and says why; the run goes on.
 * Called on the thread that runs the phase.
 */
public final class ClusterProbe implements PhaseListener {

    /** One node's figures over the measured window; null where the source was not given or not readable. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeFigures(String server, String adminUrl, Long pid, Double deliveries, Double deliveriesPerSec,
                              Double cpuSeconds, Double cpuCores, Double cpuSecondsPerMillionDeliveries,
                              Long bytesToRedis, Long bytesFromRedis, Double bytesToRedisPerSec,
                              Double bytesFromRedisPerSec) {
    }

    /** Redis over the measured window. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RedisFigures(String address, Double cpuSeconds, Double cpuCores, Long netInputBytes,
                               Long netOutputBytes, Double netInputPerSec, Double netOutputPerSec,
                               Double cpuSecondsPerMillionDeliveries) {
    }

    /** Everything, as it goes into the JSON report's {@code cluster}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Figures(String nodeSplit, double windowSeconds, List<NodeFigures> nodes, Double nodesCpuSeconds,
                          Double nodesCpuSecondsPerMillionDeliveries, RedisFigures redis, List<String> unavailable) {
    }

    private final List<ServerAddress> servers;
    private final List<URI> adminUrls;
    private final List<Long> pids;
    private final RedisInfo redis;
    private final NodeSplit split;
    private final NodeMetrics metrics = new NodeMetrics();
    private final List<String> unavailable = new ArrayList<>();

    private long wallStart;
    private double wall;
    private NodeMetrics.Counters[] nodesBefore;
    private NodeMetrics.Counters[] nodesAfter;
    private Map<Long, SocketTraffic.Bytes> trafficBefore;
    private Map<Long, SocketTraffic.Bytes> trafficAfter;
    private RedisInfo.Totals redisBefore;
    private RedisInfo.Totals redisAfter;

    /** From the config's {@code servers}, {@code adminUrls}, {@code nodePids} and {@code redisUri}. */
    public ClusterProbe(LoadgenConfig cfg) {
        this.servers = cfg.targets();
        this.adminUrls = cfg.adminUrls;
        this.pids = cfg.nodePids;
        this.redis = cfg.redisUri == null ? null : new RedisInfo(cfg.redisUri);
        this.split = cfg.nodeSplit;
    }

    /** Whether the config asks for any of these figures. */
    public static boolean wanted(LoadgenConfig cfg) {
        return !cfg.adminUrls.isEmpty() || !cfg.nodePids.isEmpty() || cfg.redisUri != null;
    }

    /**
     * Reads every source once before the load, so the first reads inside the run (HTTP client,
     * class loading, the ss process) are not slow and a source that cannot be read is named in
     * the output from the start.
     */
    public void prime() {
        readNodes();
        readTraffic();
        readRedis();
    }

    @Override
    public void measureStarted() {
        long t0 = System.nanoTime();
        nodesBefore = readNodes();
        trafficBefore = readTraffic();
        redisBefore = readRedis();
        wallStart = t0 + (System.nanoTime() - t0) / 2; // the reads' midpoint
    }

    @Override
    public void measureEnded() {
        long t0 = System.nanoTime();
        nodesAfter = readNodes();
        trafficAfter = readTraffic();
        redisAfter = readRedis();
        wall = (t0 + (System.nanoTime() - t0) / 2 - wallStart) / 1e9;
    }

    private NodeMetrics.Counters[] readNodes() {
        NodeMetrics.Counters[] c = new NodeMetrics.Counters[servers.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = NodeMetrics.Counters.NONE;
            if (i < adminUrls.size()) {
                try {
                    c[i] = metrics.read(adminUrls.get(i));
                } catch (Exception e) {
                    note(adminUrls.get(i) + "/metrics: " + e.getMessage());
                }
            }
            if (Double.isNaN(c[i].cpuSeconds()) && i < pids.size()) {
                // no admin URL (or no CPU counter in it): the process's own CPU time, on this machine
                c[i] = new NodeMetrics.Counters(ProcStat.cpuSeconds(pids.get(i)), c[i].deliveries());
            }
        }
        return c;
    }

    private Map<Long, SocketTraffic.Bytes> readTraffic() {
        if (redis == null || pids.isEmpty()) {
            return null;
        }
        try {
            return SocketTraffic.toPort(redis.port());
        } catch (Exception e) {
            note("per-node Redis traffic (ss): " + e.getMessage());
            return null;
        }
    }

    private RedisInfo.Totals readRedis() {
        if (redis == null) {
            return null;
        }
        try {
            return redis.read();
        } catch (Exception e) {
            note("Redis INFO at " + redis.address() + ": " + e.getMessage());
            return null;
        }
    }

    private void note(String why) {
        if (!unavailable.contains(why)) {
            unavailable.add(why);
        }
    }

    /** The figures of the window; {@code totalDeliveries} is the loadgen's count of measured deliveries. */
    public Figures figures(long totalDeliveries) {
        if (nodesAfter == null) {
            throw new IllegalStateException("the measured window has not ended");
        }
        List<NodeFigures> nodes = new ArrayList<>();
        double cpuSum = 0;
        boolean cpuAll = true;
        for (int i = 0; i < servers.size(); i++) {
            double d = nodesAfter[i].deliveries() - nodesBefore[i].deliveries();
            double cpu = nodesAfter[i].cpuSeconds() - nodesBefore[i].cpuSeconds();
            Long pid = i < pids.size() ? pids.get(i) : null;
            SocketTraffic.Bytes bytes = null;
            if (pid != null && trafficBefore != null && trafficAfter != null) {
                bytes = trafficAfter.getOrDefault(pid, new SocketTraffic.Bytes(0, 0))
                        .minus(trafficBefore.getOrDefault(pid, new SocketTraffic.Bytes(0, 0)));
            }
            cpuAll &= !Double.isNaN(cpu);
            cpuSum += Double.isNaN(cpu) ? 0 : cpu;
            nodes.add(new NodeFigures(servers.get(i).toString(), i < adminUrls.size() ? adminUrls.get(i).toString() : null,
                    pid, num(d), num(d / wall), num(cpu), num(cpu / wall), num(d > 0 ? cpu / (d / 1e6) : Double.NaN),
                    bytes == null ? null : bytes.sent(), bytes == null ? null : bytes.received(),
                    bytes == null ? null : num(bytes.sent() / wall), bytes == null ? null : num(bytes.received() / wall)));
        }
        RedisFigures r = null;
        if (redisBefore != null && redisAfter != null) {
            double cpu = redisAfter.cpuSeconds() - redisBefore.cpuSeconds();
            long in = redisAfter.netInputBytes() - redisBefore.netInputBytes();
            long out = redisAfter.netOutputBytes() - redisBefore.netOutputBytes();
            r = new RedisFigures(redis.address(), num(cpu), num(cpu / wall), in, out, num(in / wall), num(out / wall),
                    num(totalDeliveries > 0 ? cpu / (totalDeliveries / 1e6) : Double.NaN));
        }
        return new Figures(split.cliName(), num(wall), nodes, cpuAll ? num(cpuSum) : null,
                cpuAll && totalDeliveries > 0 ? num(cpuSum / (totalDeliveries / 1e6)) : null, r, List.copyOf(unavailable));
    }

    /** Prints the figures as a table under the summary. */
    public static void print(PrintStream out, Figures f) {
        out.printf(Locale.ROOT, "%n== per node (measured window %.1f s, clients split: %s) ==%n", f.windowSeconds(), f.nodeSplit());
        String fmt = "  %-22s %13s %9s %9s %9s %14s %14s%n";
        out.printf(Locale.ROOT, fmt, "node", "deliveries/s", "CPU s", "cores", "CPU-s/M", "to Redis MB/s",
                "from Redis MB/s");
        for (NodeFigures n : f.nodes()) {
            out.printf(Locale.ROOT, fmt, n.server(), count(n.deliveriesPerSec()), dec(n.cpuSeconds(), 1),
                    dec(n.cpuCores(), 2), dec(n.cpuSecondsPerMillionDeliveries(), 2), mb(n.bytesToRedisPerSec()),
                    mb(n.bytesFromRedisPerSec()));
        }
        if (f.nodesCpuSeconds() != null) {
            out.printf(Locale.ROOT, "  all nodes: %s CPU s = %s cores, %s CPU-s per million deliveries received by the clients%n",
                    dec(f.nodesCpuSeconds(), 1), dec(f.nodesCpuSeconds() / f.windowSeconds(), 2),
                    dec(f.nodesCpuSecondsPerMillionDeliveries(), 2));
        }
        RedisFigures r = f.redis();
        if (r != null) {
            out.printf(Locale.ROOT, "  redis %s: %s CPU s = %s cores (%s CPU-s/M deliveries), in %s MB/s, out %s MB/s%n",
                    r.address(), dec(r.cpuSeconds(), 2), dec(r.cpuCores(), 3), dec(r.cpuSecondsPerMillionDeliveries(), 3),
                    mb(r.netInputPerSec()), mb(r.netOutputPerSec()));
        }
        for (String u : f.unavailable()) {
            out.println("  not measured: " + u);
        }
    }

    private static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
    }

    private static String count(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String dec(Double v, int places) {
        return v == null ? "-" : String.format(Locale.ROOT, "%." + places + "f", v);
    }

    private static String mb(Double bytesPerSec) {
        return bytesPerSec == null ? "-" : String.format(Locale.ROOT, "%.3f", bytesPerSec / 1e6);
    }
}
