package dev.parley.loadgen;

import dev.parley.client.TlsOptions;
import dev.parley.launch.ServerProcess;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code parley bench}: starts a server in a JVM of its own, runs the loadgen against it with
 * the original C++ server's load profile (or a rate ramp with {@code --find-max}), prints the
 * result beside the original's published figures, and always stops the server.
 */
public final class Bench {

    /** The original IocpChatServer's published figures (docs in shared/reference). */
    static final double ORIGINAL_IN_PER_SEC = 5_000;
    static final double ORIGINAL_OUT_PER_SEC = 250_000;
    static final String ORIGINAL_P99 = "1.97-5.57 ms";
    /** How long the bench keeps watching the server after the hostile extras were closed. */
    static final long AFTER_HOSTILE_SECONDS = 10;
    /**
     * Where under its data directory a server run with --tls-self-signed keeps its certificate
     * (tls.SelfSignedCertificates, which this layer may not use; BenchTlsTest keeps the two equal).
     */
    static final Path SELF_SIGNED_CERT = Path.of("tls", "self-signed-cert.pem");

    private final BenchConfig cfg;
    private final PrintStream out;
    private final Progress progress;

    public Bench(BenchConfig cfg, PrintStream out, Progress progress) {
        cfg.validate();
        this.cfg = cfg;
        this.out = out;
        this.progress = progress;
    }

    /** Runs the bench; returns the exit code (0 clean, 1 lost/failed, exceptions for setup errors). */
    public int run() throws Exception {
        Path dir = Files.createTempDirectory("parley-bench-");
        Path log = dir.resolve("server.log");
        List<String> serverArgs = new ArrayList<>(serverArgs(List.of("--host", "127.0.0.1", "--port", "0",
                "--data-dir", dir.resolve("data").toString(), "--rate-limit", "0", "--password-iterations", "1000",
                "--admin-port", "0", "--ws-port", cfg.load.protocol == WireProtocol.WS ? "0" : "-1",
                "--logins-in-flight-per-address", "0", "--registrations-per-address-per-hour", "0",
                "--room-max-members", String.valueOf(Math.max(1000, new RoomLayout(cfg.load.clients, cfg.load.rooms).size(0)))),
                cfg.serverArgs));
        boolean selfSigned = cfg.load.tls.enabled() && cfg.serverArgs.stream().noneMatch(a -> a.startsWith("--tls-"));
        if (selfSigned) {
            serverArgs.add("--tls-self-signed"); // TLS cost measured with the development certificate
        }
        String java = cfg.java != null ? cfg.java : currentJava();
        out.println("starting server: " + java + " " + String.join(" ", cfg.serverJvmArgs)
                + " -cp <classpath> dev.parley.cli.Main server " + String.join(" ", serverArgs));
        boolean ok = false;
        ServerProcess server = ServerProcess.start(ServerProcess.Options.of(serverArgs, log)
                .withJava(java).withJvmArgs(cfg.serverJvmArgs).withStartTimeout(cfg.serverStartTimeout));
        AtomicBoolean cleaned = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            server.close();
            if (cleaned.compareAndSet(false, true)) {
                cleanUp(dir, true); // interrupted: nothing worth keeping
            }
        }, "parley-bench-stop-server");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C must not leave the server running
        try {
            out.printf("server pid %d listening on 127.0.0.1:%d (transport %s), log %s%n", server.pid(), server.port(),
                    server.transport(), log);
            cfg.load.host = "127.0.0.1";
            cfg.load.port = cfg.load.protocol == WireProtocol.WS ? server.wsPort() : server.port();
            if (selfSigned && cfg.load.tls.ca() == null && !cfg.load.tls.insecure()) {
                cfg.load.tls = TlsOptions.trusting(dir.resolve("data").resolve(SELF_SIGNED_CERT));
            }
            int code;
            try (Loadgen lg = new Loadgen(cfg.load, out, progress)) {
                lg.setup();
                code = cfg.findMax ? findMax(lg, server) : profile(lg, server);
            }
            if (!server.isAlive()) {
                out.println("the server process died during the run; see " + log);
                code = 1;
            }
            ok = code == 0;
            return code;
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook stops the server
            }
            if (cleaned.compareAndSet(false, true)) {
                cleanUp(dir, ok);
            }
        }
    }

    /**
     * The bench's own server flags followed by {@code extra}; an own flag that {@code extra}
     * names too (as {@code --x v} or {@code --x=v}) is left out, so e.g. {@code --server-args
     * "--rate-limit 100"} replaces the bench's {@code --rate-limit 0}. Own flags come in pairs.
     */
    static List<String> serverArgs(List<String> own, List<String> extra) {
        java.util.Set<String> named = new java.util.HashSet<>();
        for (String a : extra) {
            if (a.startsWith("--")) {
                named.add(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);
            }
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i + 1 < own.size(); i += 2) {
            if (!named.contains(own.get(i))) {
                args.add(own.get(i));
                args.add(own.get(i + 1));
            }
        }
        args.addAll(extra);
        return args;
    }

    private int profile(Loadgen lg, ServerProcess server) throws Exception {
        LoadgenConfig load = cfg.load;
        CpuWindow cpu = new CpuWindow(server);
        ServerWatch.Figures watched;
        PhaseResult r;
        ServerDisconnects why = new ServerDisconnects(server.adminPort(), server.log(), lg.tls());
        why.start();
        try (ServerWatch watch = new ServerWatch(server.pid(), server.adminPort(), lg.tls())) {
            r = lg.runPhase(load.rps, Durations.wholeSeconds(load.warmup, "--warmup"),
                    Durations.wholeSeconds(load.duration, "--duration"), cpu, true, "bench");
            watch.mark();
            if (load.hasHostile()) {
                // does the server give the memory back once the hostile clients are gone?
                Thread.sleep(TimeUnit.SECONDS.toMillis(AFTER_HOSTILE_SECONDS));
            }
            watched = watch.stop();
        }
        ServerDisconnects.Report disconnects = why.report();
        ResultPrinter.summary(out, r, load, lg.layout());
        ResultPrinter.hostile(out, lg.hostileReport());
        printDisconnects(r.disconnects(), disconnects, server);
        printWatch(watched, load.hasHostile());
        printComparison(r, cpu, server, lg);
        Map<String, Object> serverInfo = serverInfo(server, cpu, r.delivered());
        serverInfo.put("memory_and_health", watched);
        serverInfo.put("disconnects", disconnects);
        Verdict verdict = withServerReasons(Verdict.of(r), r.disconnects(), disconnects).withFigures(String.format(
                Locale.ROOT, "the original C++ server published %s deliveries/s, p99 %s",
                ResultPrinter.count(ORIGINAL_OUT_PER_SEC), ORIGINAL_P99));
        if (cfg.report != null) {
            LoadReport.write(cfg.report, LoadReport.of(load, lg, r, verdict, serverInfo));
            out.println("report: " + cfg.report);
        }
        if (cfg.chart != null) {
            HtmlChart.write(cfg.chart, "parley bench", subtitle(lg), verdict, r.samples());
            out.println("chart: " + cfg.chart);
        }
        return r.clean() ? 0 : 1;
    }

    /**
     * When measured clients lost their connections: the server's reasons during the run, by its
     * disconnect counters, and the first log lines about them.
     */
    private void printDisconnects(long measuredDisconnects, ServerDisconnects.Report why, ServerProcess server) {
        if (measuredDisconnects == 0) {
            return;
        }
        out.printf(Locale.ROOT, "  disconnects     %,d measured client(s) lost their connection; the server's disconnects "
                + "by reason (its /metrics over the run, all its connections):%n", measuredDisconnects);
        if (why.byReason().isEmpty()) {
            out.println("                  none counted" + (why.countersUnavailable() == null ? " (a reset or an error, "
                    + "not a policy)" : " (" + why.countersUnavailable() + ")"));
        }
        why.byReason().forEach((reason, n) -> out.printf(Locale.ROOT, "                  %-20s %,10d%n", reason, n));
        if (!why.logExamples().isEmpty()) {
            out.println("                  first lines about it in " + server.log() + ":");
            why.logExamples().forEach(line -> out.println("                    " + line));
        }
    }

    /** {@code v} with the server's disconnect reasons added, when measured clients were disconnected. */
    private static Verdict withServerReasons(Verdict v, long measuredDisconnects, ServerDisconnects.Report why) {
        if (measuredDisconnects == 0 || why.byReason().isEmpty()) {
            return v;
        }
        StringBuilder sb = new StringBuilder("server disconnects by reason:");
        why.byReason().forEach((reason, n) -> sb.append(' ').append(reason).append(' ').append(n).append(','));
        return v.withReason(sb.substring(0, sb.length() - 1));
    }

    private void printWatch(ServerWatch.Figures w, boolean hostile) {
        out.printf(Locale.ROOT, "  server RSS      %s MB before the load, peak %s MB, %s MB when it ended%s%n",
                w.rssStartMb(), w.rssPeakMb(), w.rssAtMarkMb(),
                hostile ? ", " + w.rssEndMb() + " MB " + AFTER_HOSTILE_SECONDS + " s after the hostile clients left" : "");
        out.printf(Locale.ROOT, "  /health         %d of %d polls answered within %d ms (slowest %d ms)%s%n",
                w.healthPolls() - w.healthFailures(), w.healthPolls(), ServerWatch.HEALTH_TIMEOUT_MILLIS,
                w.healthMaxMs(), w.healthFirstFailure() == null ? "" : "; first failure: " + w.healthFirstFailure());
    }

    private String subtitle(Loadgen lg) {
        return String.format(Locale.ROOT, "%,d clients, %d rooms (fan-out %.2f), mix %s, server JVM args [%s]",
                cfg.load.clients, cfg.load.rooms, lg.layout().fanOut(), cfg.load.payloadMix,
                String.join(" ", cfg.serverJvmArgs));
    }

    private Map<String, Object> serverInfo(ServerProcess server, CpuWindow cpu, long deliveries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", server.pid());
        m.put("java", cfg.java != null ? cfg.java : currentJava());
        m.put("jvm_args", cfg.serverJvmArgs);
        m.put("transport", server.transport());
        m.put("cpu_seconds", round(cpu.serverCpuSeconds()));
        m.put("cpu_cores_used", round(cpu.serverCpuSeconds() / cpu.wallSeconds()));
        m.put("cpu_seconds_per_million_deliveries", round(cpu.serverCpuPerMillion(deliveries)));
        m.put("loadgen_cpu_seconds", round(cpu.loadgenCpuSeconds()));
        m.put("window_seconds", round(cpu.wallSeconds()));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        return m;
    }

    private static Double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
    }

    private void printComparison(PhaseResult r, CpuWindow cpu, ServerProcess server, Loadgen lg) {
        LatencySummary l = r.latencyUs();
        String fmt = "  %-28s %26s   %-30s%n";
        out.printf(Locale.ROOT, "%n== parley bench vs the original C++ IOCP server (published figures) ==%n");
        out.printf(Locale.ROOT, fmt, "", "original (C++/IOCP)", "parley (this run)");
        out.printf(Locale.ROOT, fmt, "clients / rooms / msg/s each", "500 / 10 / 10",
                cfg.load.clients + " / " + cfg.load.rooms + " / " + ResultPrinter.trim(cfg.load.rps));
        out.printf(Locale.ROOT, fmt, "requests in /s", "5,000", ResultPrinter.count(r.sentPerSec()));
        out.printf(Locale.ROOT, fmt, "deliveries out /s", "250,000", ResultPrinter.count(r.deliveriesPerSec()));
        out.printf(Locale.ROOT, fmt, "latency avg", "0.456 ms", ResultPrinter.ms(l.mean()) + " ms");
        out.printf(Locale.ROOT, fmt, "latency p50", "0.142 ms", ResultPrinter.ms(l.p50()) + " ms");
        out.printf(Locale.ROOT, fmt, "latency p90", "1.163 ms", ResultPrinter.ms(l.p90()) + " ms");
        out.printf(Locale.ROOT, fmt, "latency p99", ORIGINAL_P99, ResultPrinter.ms(l.p99()) + " ms");
        out.printf(Locale.ROOT, fmt, "latency p99.9 / max", "-", ResultPrinter.ms(l.p999()) + " / " + ResultPrinter.ms(l.max()) + " ms");
        out.printf(Locale.ROOT, fmt, "lost deliveries", "- (not reported)", String.format(Locale.ROOT, "%,d", r.lost()));
        out.printf(Locale.ROOT, fmt, "server CPU (measured window)", "-", String.format(Locale.ROOT,
                "%.1f s = %.2f cores", cpu.serverCpuSeconds(), cpu.serverCpuSeconds() / cpu.wallSeconds()));
        out.printf(Locale.ROOT, fmt, "server CPU s / M deliveries", "-",
                String.format(Locale.ROOT, "%.2f", cpu.serverCpuPerMillion(r.delivered())));
        out.printf(Locale.ROOT, fmt, "loadgen CPU (same window)", "-", String.format(Locale.ROOT,
                "%.1f s = %.2f cores", cpu.loadgenCpuSeconds(), cpu.loadgenCpuSeconds() / cpu.wallSeconds()));
        out.printf(Locale.ROOT, fmt, "machine", "10c/16t i5-14400F, Win 11",
                Runtime.getRuntime().availableProcessors() + " cores, shared by server + loadgen");
        out.printf(Locale.ROOT, fmt, "latency measured", "in the server", "due time -> arrival at client");
        out.printf(Locale.ROOT, "  server: pid %d, transport %s, JVM args [%s]%n", server.pid(), server.transport(),
                String.join(" ", cfg.serverJvmArgs));
    }

    /** One step of the ramp. */
    public record Step(int step, double rps, double sentPerSec, double deliveriesPerSec, LatencySummary latencyUs,
                       long lost, long duplicates, long errors, long disconnects, Double serverCpuCores,
                       Double serverCpuSecondsPerMillionDeliveries, boolean passed, String verdict) {
    }

    /** The {@code --find-max} report. */
    public record FindMaxReport(String tool, int clients, int rooms, String payloadMix, double p99LimitMs,
                                long stepWarmupS, long stepDurationS, List<Step> steps, Double bestRps,
                                Double bestDeliveriesPerSec, String stopReason, Verdict verdict,
                                Map<String, Object> server) {
    }

    /** Passed when a step passed: the best step's figures, and where the ramp stopped. */
    private Verdict findMaxVerdict(Step best, String stopReason) {
        String limit = String.format(Locale.ROOT, "p99 limit %.1f ms", cfg.p99LimitMs);
        if (best == null) {
            return new Verdict(false, "no step passed: " + stopReason, limit);
        }
        return new Verdict(true, String.format(Locale.ROOT, "highest sustained %s deliveries/s at %s msg/s per client, "
                        + "p99 %s ms", ResultPrinter.count(best.deliveriesPerSec()), ResultPrinter.trim(best.rps()),
                ResultPrinter.ms(best.latencyUs().p99())), String.format(Locale.ROOT, "%s; stopped at %s; the original "
                + "C++ server published %s deliveries/s", limit, stopReason, ResultPrinter.count(ORIGINAL_OUT_PER_SEC)));
    }

    private int findMax(Loadgen lg, ServerProcess server) throws Exception {
        long warm = Durations.wholeSeconds(cfg.stepWarmup, "--step-warmup");
        long dur = Durations.wholeSeconds(cfg.stepDuration, "--step-duration");
        out.printf(Locale.ROOT, "%nfind-max: raising msg/s per client by x%.2f every %d s (+%d s warmup) until p99 > %.1f ms "
                + "or a delivery is lost%n", cfg.rampFactor, dur, warm, cfg.p99LimitMs);
        long warmupS = Durations.wholeSeconds(cfg.load.warmup, "--warmup");
        ServerDisconnects why = new ServerDisconnects(server.adminPort(), server.log(), lg.tls());
        why.start();
        if (warmupS > 0) {
            // JIT compilation and connection buffers settle first, so step 1 measures a warm server
            out.printf(Locale.ROOT, "warming up: %d s at %s msg/s per client (not a step)%n", warmupS,
                    ResultPrinter.trim(cfg.load.rps));
            PhaseResult w = lg.runPhase(cfg.load.rps, 0, warmupS, PhaseListener.NONE, false, "warmup");
            if (!w.clean()) {
                out.println("find-max: the warmup already failed: " + ResultPrinter.failure(w));
                printDisconnects(w.disconnects(), why.report(), server);
                return 1;
            }
        }
        String fmt = "%5s %9s %11s %13s %9s %9s %9s %8s %11s %11s  %s%n";
        out.printf(Locale.ROOT, fmt, "step", "rps/cli", "sent/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "lost",
                "srv cores", "srv s/M", "verdict");
        List<Step> steps = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        Step best = null;
        String stopReason = "reached --max-steps";
        double rps = cfg.load.rps;
        for (int i = 1; i <= cfg.maxSteps; i++) {
            CpuWindow cpu = new CpuWindow(server);
            PhaseResult r = lg.runPhase(rps, warm, dur, cpu, false,
                    String.format(Locale.ROOT, "step %d @ %s msg/s", i, ResultPrinter.trim(rps)));
            samples.addAll(r.samples());
            LatencySummary l = r.latencyUs();
            String verdict;
            if (!r.clean()) {
                verdict = "FAIL: " + ResultPrinter.failure(r);
            } else if (r.delivered() == 0) {
                verdict = "FAIL: nothing delivered";
            } else if (l.p99() > cfg.p99LimitMs * 1000) {
                verdict = String.format(Locale.ROOT, "FAIL: p99 above %.1f ms", cfg.p99LimitMs);
            } else {
                verdict = "ok";
            }
            boolean passed = verdict.equals("ok");
            Step s = new Step(i, rps, r.sentPerSec(), r.deliveriesPerSec(), l, r.lost(), r.duplicates(), r.errors(),
                    r.disconnects(), round(cpu.serverCpuSeconds() / cpu.wallSeconds()),
                    round(cpu.serverCpuPerMillion(r.delivered())), passed, verdict);
            steps.add(s);
            out.printf(Locale.ROOT, fmt, i, ResultPrinter.trim(rps), ResultPrinter.count(r.sentPerSec()),
                    ResultPrinter.count(r.deliveriesPerSec()), ResultPrinter.ms(l.p50()), ResultPrinter.ms(l.p99()),
                    ResultPrinter.ms(l.max()), String.format(Locale.ROOT, "%,d", r.lost()),
                    fmtNum(s.serverCpuCores()), fmtNum(s.serverCpuSecondsPerMillionDeliveries()), verdict);
            if (!passed) {
                stopReason = "step " + i + ": " + verdict;
                break;
            }
            if (best == null || s.deliveriesPerSec() > best.deliveriesPerSec()) {
                best = s;
            }
            if (!server.isAlive()) {
                stopReason = "the server process died";
                break;
            }
            rps = nextRate(rps, cfg.rampFactor);
        }
        if (best == null) {
            out.println("\nfind-max: no step passed (" + stopReason + ")");
        } else {
            out.printf(Locale.ROOT, "%nfind-max: highest sustained %s deliveries/s at %s msg/s per client "
                            + "(%s requests/s in; p99 %s ms); stopped at %s%n",
                    ResultPrinter.count(best.deliveriesPerSec()), ResultPrinter.trim(best.rps()),
                    ResultPrinter.count(best.sentPerSec()), ResultPrinter.ms(best.latencyUs().p99()), stopReason);
            out.printf(Locale.ROOT, "find-max: the original C++ server published %s deliveries/s (at 5,000 requests/s) "
                    + "on a 10-core/16-thread desktop%n", ResultPrinter.count(ORIGINAL_OUT_PER_SEC));
        }
        long disconnected = steps.stream().mapToLong(Step::disconnects).sum();
        ServerDisconnects.Report disconnects = why.report();
        printDisconnects(disconnected, disconnects, server);
        Verdict verdict = withServerReasons(findMaxVerdict(best, stopReason), disconnected, disconnects);
        if (cfg.report != null) {
            Map<String, Object> serverInfo = new LinkedHashMap<>();
            serverInfo.put("pid", server.pid());
            serverInfo.put("transport", server.transport());
            serverInfo.put("jvm_args", cfg.serverJvmArgs);
            serverInfo.put("cores", Runtime.getRuntime().availableProcessors());
            serverInfo.put("disconnects", disconnects);
            LoadReport.write(cfg.report, new FindMaxReport("parley bench --find-max", cfg.load.clients, cfg.load.rooms,
                    cfg.load.payloadMix.toString(), cfg.p99LimitMs, warm, dur, steps,
                    best == null ? null : best.rps(), best == null ? null : best.deliveriesPerSec(), stopReason, verdict,
                    serverInfo));
            out.println("report: " + cfg.report);
        }
        if (cfg.chart != null) {
            HtmlChart.write(cfg.chart, "parley bench --find-max", subtitle(lg), verdict, samples);
            out.println("chart: " + cfg.chart);
        }
        return best == null ? 1 : 0;
    }

    private static String fmtNum(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** The next rate of the ramp, rounded to two significant digits (10, 15, 23, 34, 51, ...). */
    static double nextRate(double rps, double factor) {
        double next = rps * factor;
        double pow = Math.pow(10, Math.floor(Math.log10(next)) - 1);
        double rounded = Math.round(next / pow) * pow;
        return rounded > rps ? Math.round(rounded * 1000) / 1000.0 : next;
    }

    static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Removes the temporary data; keeps the server log when the run failed. */
    private void cleanUp(Path dir, boolean ok) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!ok && (p.equals(dir) || p.getFileName().toString().equals("server.log"))) {
                    continue;
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            out.println("could not remove " + dir + ": " + e.getMessage());
        }
        if (!ok) {
            out.println("server log kept: " + dir.resolve("server.log"));
        }
    }
}
