package dev.parley.loadgen;

import dev.parley.client.ClientTls;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Watches the bench's server process once a second from a thread of its own: its resident
 * memory ({@code VmRSS} in {@code /proc/<pid>/status}) and whether its admin port answers
 * {@code GET /health} within a second. Tells whether hostile clients make the server grow or
 * stop answering, and whether the memory comes back once they are gone.
 */
final class ServerWatch implements AutoCloseable {

    static final long PERIOD_MILLIS = 1_000;
    static final int HEALTH_TIMEOUT_MILLIS = 1_000;

    private final long pid;
    private final int adminPort;
    /** Null when the admin port speaks plain HTTP. */
    private final SSLSocketFactory https;
    private final Thread thread;
    // written by the watch thread, read after it has stopped (join)
    private final List<Double> rssMb = new ArrayList<>();
    private volatile double rssAtMark = Double.NaN;
    private int polls;
    private int failures;
    private long maxHealthMillis;
    private String firstFailure;
    private volatile boolean stopped;

    /**
     * Starts watching; {@code adminPort} 0 or less = no /health checks.
     *
     * @param tls the load's TLS, which the server's admin port speaks too; null = plain HTTP
     */
    ServerWatch(long pid, int adminPort, ClientTls tls) {
        this.pid = pid;
        this.adminPort = adminPort;
        this.https = tls == null ? null : tls.jdkContext().getSocketFactory();
        this.thread = new Thread(this::loop, "bench-server-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long next = System.nanoTime();
        while (!stopped) {
            double rss = rssMb(pid);
            rssMb.add(rss);
            if (adminPort > 0) {
                poll();
            }
            next += TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void poll() {
        polls++;
        long t0 = System.nanoTime();
        String failure;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", adminPort), HEALTH_TIMEOUT_MILLIS);
            plain.setSoTimeout(HEALTH_TIMEOUT_MILLIS);
            Socket s = plain;
            if (https != null) {
                SSLSocket secure = (SSLSocket) https.createSocket(plain, "127.0.0.1", adminPort, true);
                secure.startHandshake();
                s = secure;
            }
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            failure = healthy(new String(head, StandardCharsets.US_ASCII)) ? null : "answered "
                    + new String(head, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            failure = e.toString();
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        maxHealthMillis = Math.max(maxHealthMillis, ms);
        if (failure != null && ms > HEALTH_TIMEOUT_MILLIS) {
            failure = "no answer within " + HEALTH_TIMEOUT_MILLIS + " ms";
        }
        if (failure != null) {
            failures++;
            if (firstFailure == null) {
                firstFailure = failure;
            }
        }
    }

    /** Whether an HTTP status line says 200. */
    static boolean healthy(String statusLine) {
        return statusLine.matches("HTTP/1\\.[01] 200.*");
    }

    /** Samples the RSS now as the one "at the mark" (e.g. when the load ended); caller's thread. */
    void mark() {
        rssAtMark = rssMb(pid);
    }

    /** Stops watching and returns the figures. */
    Figures stop() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        double peak = rssMb.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        return new Figures(rssMb.isEmpty() ? null : round(rssMb.get(0)), round(peak), round(rssAtMark),
                rssMb.isEmpty() ? null : round(rssMb.get(rssMb.size() - 1)), rssMb.stream().map(ServerWatch::round).toList(),
                polls, failures, maxHealthMillis, firstFailure);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }

    /** Resident memory of {@code pid} in MB (2^20 bytes), or NaN where /proc is missing. */
    static double rssMb(long pid) {
        try {
            return parseVmRssKb(Files.readString(Path.of("/proc/" + pid + "/status"))) / 1024.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The {@code VmRSS} value in kB from a {@code /proc/<pid>/status} text. */
    static long parseVmRssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalArgumentException("no VmRSS line");
    }

    private static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
    }

    /**
     * The figures, in MB: RSS when watching began, the highest, at the mark, and at the end;
     * one RSS sample per second; /health polls, failures and the slowest answer.
     */
    record Figures(Double rssStartMb, Double rssPeakMb, Double rssAtMarkMb, Double rssEndMb, List<Double> rssMbPerSecond,
                   int healthPolls, int healthFailures, long healthMaxMs, String healthFirstFailure) {
    }
}
