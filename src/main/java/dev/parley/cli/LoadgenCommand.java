package dev.parley.cli;

import dev.parley.account.DevTokens;
import dev.parley.account.SecretFile;
import dev.parley.loadgen.ClusterProbe;
import dev.parley.loadgen.Durations;
import dev.parley.loadgen.HtmlChart;
import dev.parley.loadgen.LoadReport;
import dev.parley.loadgen.Loadgen;
import dev.parley.loadgen.LoadgenConfig;
import dev.parley.loadgen.NodeSplit;
import dev.parley.loadgen.PhaseListener;
import dev.parley.loadgen.PhaseResult;
import dev.parley.loadgen.Progress;
import dev.parley.loadgen.ReconnectStorm;
import dev.parley.loadgen.ResultPrinter;
import dev.parley.loadgen.ServerAddress;
import dev.parley.loadgen.SourceAddresses;
import dev.parley.loadgen.Verdict;
import dev.parley.loadgen.WireProtocol;
import dev.parley.server.ServerConfig;
import dev.parley.socket.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code parley loadgen}: drives a running server with chat traffic and measures every delivery. */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drives a running Parley server: connects --clients players, fills --rooms rooms, then every "
                + "client sends --rps chat messages a second on a fixed (open-loop) schedule. Every delivery is "
                + "matched to its message; latency runs from the moment a message was due to its arrival at each "
                + "member. Prints a row every 10 s and a summary; exits 1 if any delivery was lost or duplicated "
                + "or the server refused messages, 2 if setup failed.",
                "See docs/loadgen.md for what each figure means."})
public final class LoadgenCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    WorkloadOptions workload;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", description = "Server port (default: the server's default for --protocol: "
            + ServerConfig.Network.DEFAULT_PORT + " for tcp, " + ServerConfig.WebSocket.DEFAULT_PORT + " for ws).")
    Integer port;

    @Option(names = "--servers", paramLabel = "HOST:PORT,...",
            description = "Several servers (cluster nodes) to spread the clients over, instead of --host/--port "
                    + "(their WebSocket ports with --protocol ws); "
                    + "each room is created on its first member's server and joined on the others once listed.")
    String servers;

    @Option(names = "--node-split", defaultValue = "members", paramLabel = "members|rooms|round-robin",
            description = "With --servers: members = each room's members spread over all servers (member k on "
                    + "server k mod n; every message crosses nodes: the worst case); rooms = each room wholly on one "
                    + "server (room r on server r mod n); round-robin = client i on server i mod n "
                    + "(default: ${DEFAULT-VALUE}).")
    String nodeSplit;

    @Option(names = "--admin-urls", paramLabel = "URL,...",
            description = "Each server's admin base URL, in --servers order, e.g. http://127.0.0.1:9090: its /metrics "
                    + "is read when the measured window starts and ends for per-node CPU and deliveries.")
    String adminUrls;

    @Option(names = "--node-pids", paramLabel = "PID,...",
            description = "Each server's process id on this machine, in --servers order: with --redis-uri, each node's "
                    + "traffic with Redis (from the kernel's socket counters, ss); without --admin-urls, its CPU.")
    String nodePids;

    @Option(names = "--redis-uri", paramLabel = "redis://HOST:PORT",
            description = "The cluster's Redis: its CPU time and network totals (INFO) are sampled around the measured window.")
    String redisUri;

    @Option(names = "--room-listed-timeout", defaultValue = "10s",
            description = "How long a join retries ROOM_NOT_FOUND while a room created on another node is not yet "
                    + "listed (default: ${DEFAULT-VALUE}).")
    String roomListedTimeout;

    @Option(names = "--drain", defaultValue = "5s",
            description = "Wait after the last send for outstanding deliveries before counting them lost (default: ${DEFAULT-VALUE}).")
    String drain;

    @Option(names = "--source-addresses", paramLabel = "A[-B],...",
            description = "Local addresses to connect from, e.g. 127.0.0.1-127.0.0.8: each adds ~28k ephemeral ports "
                    + "(default: the kernel's choice).")
    String sourceAddresses;

    @Option(names = "--password", defaultValue = "loadgen", description = "Password of the load players (default: ${DEFAULT-VALUE}).")
    String password;

    @Option(names = "--run-id", description = "Tag in player and room names lg-<run>-<i> (default: random).")
    String runId;

    @Option(names = "--transport", paramLabel = "epoll|nio|io_uring", converter = ServerCommand.TransportConverter.class,
            description = "Client socket transport (default: epoll if available, else nio).")
    Transport transport;

    @CommandLine.Mixin
    TlsFlags tls;

    @Option(names = "--setup-timeout", defaultValue = "120s",
            description = "Limit for each setup step: connect, log in, create, join (default: ${DEFAULT-VALUE}).")
    String setupTimeout;

    @Option(names = "--reconnect-storm",
            description = "Instead of the chat load: log --clients players into --rooms rooms, chat a little, drop "
                    + "every connection at once and measure how long until each is back (logged in with its session "
                    + "token, rejoined with last_seen_seq, caught up) with no gap and no duplicate. One extra player "
                    + "per room stays and chats meanwhile. Prints p50/p99/max time-to-back and a verdict; exits 1 on "
                    + "a gap, a duplicate or a player not back within --setup-timeout.")
    boolean reconnectStorm;

    @Option(names = "--storm-token-secret-file", paramLabel = "FILE",
            description = "With --reconnect-storm: log the players in first with backend tokens signed with this "
                    + "secret (the server's --token-hmac-secret-file), so setup costs no password hashing "
                    + "(default: names and --password).")
    Path stormTokenSecretFile;

    LoadgenConfig toConfig() {
        LoadgenConfig c = new LoadgenConfig();
        c.host = host;
        workload.applyTo(c);
        c.port = port != null ? port
                : c.protocol == WireProtocol.WS ? ServerConfig.WebSocket.DEFAULT_PORT : ServerConfig.Network.DEFAULT_PORT;
        c.servers = ServerAddress.parseList(servers);
        if (!c.servers.isEmpty()) {
            // the hostile extras and the report's host/port name the first server
            c.host = c.servers.get(0).host();
            c.port = c.servers.get(0).port();
        }
        c.nodeSplit = NodeSplit.parse(nodeSplit);
        c.adminUrls = list(adminUrls, LoadgenCommand::adminUrl);
        c.nodePids = list(nodePids, LoadgenCommand::pid);
        c.redisUri = redisUri == null || redisUri.isBlank() ? null : redisUri.trim();
        c.roomListedTimeout = Durations.parse(roomListedTimeout);
        c.drain = Durations.parse(drain);
        c.setupTimeout = Durations.parse(setupTimeout);
        c.sourceAddresses = SourceAddresses.parse(sourceAddresses);
        c.password = password;
        if (runId != null) {
            c.runId = runId;
        }
        c.transport = transport;
        c.tls = tls.options();
        c.report = workload.report;
        c.chart = workload.chart;
        c.validate();
        return c;
    }

    private static <T> List<T> list(String csv, Function<String, T> parse) {
        if (csv == null || csv.isBlank()) {
            return new ArrayList<>();
        }
        List<T> l = new ArrayList<>();
        for (String part : csv.split(",")) {
            l.add(parse.apply(part.trim()));
        }
        return l;
    }

    static URI adminUrl(String s) {
        try {
            URI u = new URI(s);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("--admin-urls: '" + s + "' is not an http(s)://host:port URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--admin-urls: '" + s + "' is not a URL");
        }
    }

    static Long pid(String s) {
        try {
            long pid = Long.parseLong(s);
            if (pid > 0) {
                return pid;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--node-pids: '" + s + "' is not a process id");
    }

    @Override
    public Integer call() throws Exception {
        LoadgenConfig cfg = toConfig();
        if (reconnectStorm && cfg.targets().size() > 1) {
            throw new IllegalArgumentException("--reconnect-storm drives one server: use --host/--port, not --servers");
        }
        return reconnectStorm ? storm(cfg, stormTokenSecretFile, System.out) : run(cfg, System.out);
    }

    /** Runs the reconnect storm against a running server; returns the exit code. */
    static int storm(LoadgenConfig cfg, Path tokenSecretFile, PrintStream out) throws Exception {
        Function<String, String> tokens = null;
        if (tokenSecretFile != null) {
            byte[] secret = SecretFile.read(tokenSecretFile, "storm-token-secret-file");
            // the name is the player's id too; valid long enough for a slow setup
            tokens = name -> DevTokens.hs256(secret, name, name, List.of(), null, null, Instant.now(),
                    cfg.setupTimeout.multipliedBy(4));
        }
        try (ReconnectStorm storm = new ReconnectStorm(settings(cfg, tokens), out)) {
            return storm.run().passed() ? 0 : 1;
        }
    }

    private static ReconnectStorm.Settings settings(LoadgenConfig cfg, Function<String, String> tokens) {
        return new ReconnectStorm.Settings(cfg.host, cfg.port, cfg.clients, cfg.rooms,
                ReconnectStorm.Settings.DEFAULT_MESSAGES_BEFORE, ReconnectStorm.Settings.DEFAULT_MESSAGES_DURING,
                cfg.runId, cfg.password, tokens, cfg.effectiveTransport(), cfg.effectiveThreads(), cfg.setupTimeout);
    }

    /** Runs one load test against a running server; returns the exit code. */
    static int run(LoadgenConfig cfg, PrintStream out) throws Exception {
        try (Loadgen lg = new Loadgen(cfg, out, Progress.forStderr())) {
            lg.setup();
            ClusterProbe probe = ClusterProbe.wanted(cfg) ? new ClusterProbe(cfg) : null;
            if (probe != null) {
                probe.prime();
            }
            PhaseResult r = lg.runPhase(cfg.rps, Durations.wholeSeconds(cfg.warmup, "--warmup"),
                    Durations.wholeSeconds(cfg.duration, "--duration"), probe != null ? probe : PhaseListener.NONE,
                    true, "loadgen");
            ResultPrinter.summary(out, r, cfg, lg.layout());
            ResultPrinter.hostile(out, lg.hostileReport());
            ClusterProbe.Figures cluster = probe == null ? null : probe.figures(r.delivered());
            if (cluster != null) {
                ClusterProbe.print(out, cluster);
            }
            Verdict verdict = Verdict.of(r);
            if (cfg.report != null) {
                LoadReport.write(cfg.report, LoadReport.of(cfg, lg, r, verdict, null, cluster));
                out.println("  report          " + cfg.report);
            }
            if (cfg.chart != null) {
                HtmlChart.write(cfg.chart, "parley loadgen " + cfg.runId, String.format(
                        "%,d clients, %d rooms, %s msg/s each against %s", cfg.clients, cfg.rooms,
                        cfg.rps, cfg.targets().stream().map(Object::toString).collect(Collectors.joining(", "))),
                        verdict, r.samples());
                out.println("  chart           " + cfg.chart);
            }
            return r.clean() ? 0 : 1;
        }
    }
}
