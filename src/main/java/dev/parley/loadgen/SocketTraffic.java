package dev.parley.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes each local process has sent to and received from one TCP port, from the kernel's
 * per-socket counters as {@code ss -tinp} prints them (Linux, iproute2; the processes' own
 * sockets, so it needs to run on their machine and see their pids). Gives each node's
 * traffic with Redis, which Redis itself does not count per client. Caller's thread.
 */
final class SocketTraffic {

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");
    private static final Pattern SENT = Pattern.compile("\\bbytes_sent:(\\d+)");
    private static final Pattern RECEIVED = Pattern.compile("\\bbytes_received:(\\d+)");

    /** Bytes a process sent to the port and received from it, over its connections open now. */
    record Bytes(long sent, long received) {
        Bytes plus(Bytes o) {
            return new Bytes(sent + o.sent, received + o.received);
        }

        Bytes minus(Bytes o) {
            return new Bytes(sent - o.sent, received - o.received);
        }
    }

    private SocketTraffic() {
    }

    /** Per pid, the bytes of its established connections to remote port {@code port}; throws when ss fails. */
    static Map<Long, Bytes> toPort(int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-tinpH", "state", "established", "( dport = :" + port + " )")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroy();
            throw new IOException("ss failed: " + text.strip());
        }
        return parse(text);
    }

    /**
     * Sums {@code ss -tinp} output by pid: a socket's line names its process ({@code pid=}),
     * its counters follow on the same or the next (indented) line.
     */
    static Map<Long, Bytes> parse(String ssOutput) {
        Map<Long, Bytes> byPid = new HashMap<>();
        Long pid = null;
        for (String line : ssOutput.split("\n")) {
            Matcher m = PID.matcher(line);
            if (m.find()) {
                pid = Long.parseLong(m.group(1));
            } else if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                pid = null; // a socket line without a process we may see
            }
            if (pid == null) {
                continue;
            }
            long sent = number(SENT, line);
            long received = number(RECEIVED, line);
            if (sent > 0 || received > 0) {
                byPid.merge(pid, new Bytes(sent, received), Bytes::plus);
            }
        }
        return byPid;
    }

    private static long number(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
