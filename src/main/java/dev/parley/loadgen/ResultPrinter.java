package dev.parley.loadgen;

import java.io.PrintStream;
import java.util.Locale;

/** The text output: the periodic table (as in the original's load test) and the final summary. */
public final class ResultPrinter {

    private static final String ROW = "%8s %9s %12s %12s %12s %9s %9s %9s %9s %9s %9s";

    private ResultPrinter() {
    }

    public static String rowHeader() {
        return String.format(Locale.ROOT, ROW, "time", "sent/s", "delivered/s", "expected/s", "bytes in/s",
                "avg ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
    }

    /** One row; warmup rows are marked {@code w}. */
    public static String row(Interval r) {
        LatencySummary l = r.latencyUs();
        return String.format(Locale.ROOT, ROW, r.endS() + "s" + (r.warmup() ? " w" : ""), count(r.sentPerSec()),
                count(r.deliveredPerSec()), count(r.expectedPerSec()), count(r.bytesInPerSec()),
                ms(l.mean()), ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.p999()), ms(l.max()));
    }

    static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String ms(double micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    static String pct(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    public static void summary(PrintStream out, PhaseResult r, LoadgenConfig cfg, RoomLayout layout) {
        LatencySummary l = r.latencyUs();
        out.printf(Locale.ROOT, "%n== loadgen summary: %,d clients, %d rooms (fan-out %.2f), %s msg/s each, mix %s; "
                        + "%d s measured after %d s warmup ==%n",
                r.clients(), r.rooms(), layout.fanOut(), trim(r.rps()), cfg.payloadMix, r.durationS(), r.warmupS());
        out.printf(Locale.ROOT, "  sent            %,14d   (%,.0f/s)%n", r.sent(), r.sentPerSec());
        out.printf(Locale.ROOT, "  expected        %,14d   (%,.0f/s)%n", r.expected(), r.expectedPerSec());
        out.printf(Locale.ROOT, "  delivered       %,14d   (%,.0f/s, %s MB/s in)%n", r.delivered(), r.deliveriesPerSec(),
                String.format(Locale.ROOT, "%.2f", r.bytesInPerSec() / 1e6));
        out.printf(Locale.ROOT, "  lost            %,14d   (all traffic incl. warmup, after %.1f s drain)%n",
                r.lost(), r.drainSeconds());
        out.printf(Locale.ROOT, "  duplicates      %,14d%n", r.duplicates());
        out.printf(Locale.ROOT, "  errors          %,14d   %s%n", r.errors(), r.errorsByResult().isEmpty() ? "" : r.errorsByResult());
        if (r.misrouted() > 0 || r.disconnects() > 0) {
            out.printf(Locale.ROOT, "  misrouted/bad   %,14d%n  disconnects     %,14d%n", r.misrouted(), r.disconnects());
        }
        out.printf(Locale.ROOT, "  latency ms      avg %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
                ms(l.mean()), ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.p999()), ms(l.max()));
        StringBuilder b = new StringBuilder("  buckets        ");
        long[] buckets = r.buckets();
        long all = 0;
        for (long n : buckets) {
            all += n;
        }
        for (int i = 0; i < buckets.length; i++) {
            b.append(String.format(Locale.ROOT, " %s %,d (%s)", LatencyBuckets.label(i), buckets[i], pct(buckets[i], all)));
            if (i < buckets.length - 1) {
                b.append(" |");
            }
        }
        out.println(b);
        Verdict v = Verdict.of(r);
        out.println("  result          " + (v.passed() ? "OK: " : "FAILED: ") + v.reason());
    }

    /** What the server did to the hostile extras; nothing without them. */
    public static void hostile(PrintStream out, Hostile.HostileReport h) {
        if (h == null) {
            return;
        }
        if (h.flooders() != null) {
            hostileKind(out, (h.flooderReads() ? "reading" : "non-reading") + " flooders", h.flooders(),
                    "after their first chat");
            out.printf(Locale.ROOT, "                  %,d chats sent, %,d bytes read%n", h.flooders().chatsSent(),
                    h.flooders().bytesRead());
        }
        if (h.silent() != null) {
            hostileKind(out, "silent connections", h.silent(), "after connecting");
            out.println("  real login      " + (h.probeLoginMs() == null ? "no answer by the end of the run"
                    : h.probeLoginMs() < 0 ? "FAILED" : h.probeLoginMs() + " ms (connect + login, while they were open)"));
        }
    }

    private static void hostileKind(PrintStream out, String what, HostileStats.Report k, String since) {
        out.printf(Locale.ROOT, "  hostile         %,d %s: %,d connections (%,d failed), %,d closed by the server%s, "
                        + "%,d still open at the end%n", k.configured(), what, k.connections(), k.connectFailures(),
                k.closedByServer(), k.closedByServer() == 0 ? "" : String.format(Locale.ROOT,
                        " %s (min %.1f s, median %.1f s, max %.1f s) with %s", since, k.closedAfterMinS(),
                        k.closedAfterMedianS(), k.closedAfterMaxS(), k.closeResults()),
                k.openAtEnd());
        if (!k.errorsByResult().isEmpty()) {
            out.printf(Locale.ROOT, "                  ErrorNotify received: %s%n", k.errorsByResult());
        }
    }

    static String failure(PhaseResult r) {
        StringBuilder sb = new StringBuilder();
        if (r.lost() != 0) {
            sb.append(r.lost()).append(" deliveries lost; ");
        }
        if (r.duplicates() > 0) {
            sb.append(r.duplicates()).append(" duplicates; ");
        }
        if (r.errors() > 0) {
            sb.append(r.errors()).append(" errors ").append(r.errorsByResult()).append("; ");
        }
        if (r.misrouted() > 0) {
            sb.append(r.misrouted()).append(" misrouted or malformed; ");
        }
        if (r.disconnects() > 0) {
            sb.append(r.disconnects()).append(" disconnects; ");
        }
        return sb.length() == 0 ? "" : sb.substring(0, sb.length() - 2);
    }

    static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
