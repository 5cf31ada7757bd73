package dev.parley.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happened to one kind of hostile connection (flooders, or silent connections): how many
 * were opened, which the server closed, after how long and with which {@code ErrorNotify}.
 * Updated from the hostile event loop and the thread that opens connections; read once at the
 * end. Thread-safe.
 */
final class HostileStats {

    /** The close reason of a connection that received no {@code ErrorNotify} (e.g. one that never reads). */
    static final String NO_ERROR_NOTIFY = "none_read";

    final AtomicLong connections = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final AtomicLong chatsSent = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> closedAfterMillis = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> closeResults = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> errorsByResult = new ConcurrentHashMap<>();

    /** An {@code ErrorNotify} arrived on one of these connections. */
    void error(String result) {
        errorsByResult.computeIfAbsent(result, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * The server closed a connection {@code millis} after it started (connected, or began to
     * flood); {@code lastResult} is the last {@code ErrorNotify} it sent, or null.
     */
    void closedByServer(long millis, String lastResult) {
        closedAfterMillis.add(millis);
        closeResults.computeIfAbsent(lastResult == null ? NO_ERROR_NOTIFY : lastResult, k -> new AtomicLong())
                .incrementAndGet();
    }

    /** The summary, with {@code openAtEnd} connections still open when the loadgen closed them. */
    Report report(int configured, long openAtEnd) {
        List<Long> closed = new ArrayList<>(closedAfterMillis);
        closed.sort(null);
        return new Report(configured, connections.get(), connectFailures.get(), closed.size(), sorted(closeResults),
                sorted(errorsByResult), seconds(closed, 0), seconds(closed, 0.5), seconds(closed, 1), openAtEnd,
                chatsSent.get(), bytesRead.get());
    }

    /** The value at {@code quantile} (nearest rank) of sorted lifetimes, in seconds; null when there are none. */
    static Double seconds(List<Long> sortedMillis, double quantile) {
        if (sortedMillis.isEmpty()) {
            return null;
        }
        int i = (int) Math.ceil(quantile * sortedMillis.size()) - 1;
        return sortedMillis.get(Math.max(0, Math.min(sortedMillis.size() - 1, i))) / 1000.0;
    }

    private static Map<String, Long> sorted(Map<String, AtomicLong> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * One kind's figures, for the text summary and the JSON report.
     *
     * @param configured       connections asked for
     * @param connections      connections opened, reconnects included
     * @param closedByServer   connections the server closed
     * @param closeResults     per closed connection, the last {@code ErrorNotify} result it read
     *                         ({@value #NO_ERROR_NOTIFY} when it read none)
     * @param errorsByResult   every {@code ErrorNotify} read, by result
     * @param closedAfterMinS  shortest time to the server's close, from connect (silent) or the first
     *                         chat (flooders)
     * @param openAtEnd        connections still open when the loadgen stopped them
     */
    record Report(int configured, long connections, long connectFailures, long closedByServer,
                  Map<String, Long> closeResults, Map<String, Long> errorsByResult, Double closedAfterMinS,
                  Double closedAfterMedianS, Double closedAfterMaxS, long openAtEnd, long chatsSent, long bytesRead) {
    }
}
