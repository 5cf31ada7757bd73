package dev.parley.cluster.chaos;

import dev.parley.cluster.chaos.ClientRecord.Msg;
import dev.parley.cluster.chaos.ClientRecord.Receipt;
import dev.parley.cluster.chaos.ClientRecord.Source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The chaos suite's verdict, from the clients' own records and the rooms' final history alone
 * (nothing of the server's state): pure functions, no I/O, no clock. The invariants, each a
 * {@link Violation#invariant()} name:
 *
 * <ul>
 *   <li>{@code HISTORY_ORDER}: each room's history ascends strictly by seq.</li>
 *   <li>{@code ONE_ORDER}: a (room, seq) carries one message (kind, sender, client_msg_id, text) across
 *       every client and the history: two nodes never number two messages alike.</li>
 *   <li>{@code STORED}: every message any client received is in the history: delivered means stored
 *       (for a client's own message, acknowledged means stored).</li>
 *   <li>{@code DUPLICATE}: a client receives each (room, seq) once, over all its connections.</li>
 *   <li>{@code STORED_ONCE}: one sender's client_msg_id is one message (one seq) per room: a resend
 *       after a reconnect is answered with the original, not numbered again.</li>
 *   <li>{@code ORDER}: per client and room, in the order the client shows them (each connection's
 *       resume history pages, then its recent and live messages as they arrived), seqs increase.</li>
 *   <li>{@code RESUME_BOUNDS}: a resume's history pages lie strictly between its last_seen_seq and its
 *       first recent seq.</li>
 *   <li>{@code NO_GAP}: a client receives every message of the history in its span of a room: from
 *       after the seq its membership began at to the room's last message if it was still live there
 *       at the end, else to the last one it received. Seqs the history skips (a safety skip) are not
 *       owed; a missed message acknowledged to its sender is named as such.</li>
 * </ul>
 */
public final class ChaosChecker {

    /** One broken invariant. */
    public record Violation(String invariant, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + detail;
        }
    }

    private ChaosChecker() {
    }

    /**
     * Every violation in the records, in a stable order (empty = the run kept every promise).
     *
     * @param history room id to its final history, as read after the run
     */
    public static List<Violation> check(List<ClientRecord> clients, Map<Long, List<Msg>> history) {
        List<Violation> out = new ArrayList<>();
        Map<Long, TreeMap<Long, Msg>> stored = historyBySeq(history, out);
        Set<String> acked = acknowledged(clients);
        oneOrder(clients, stored, out);
        storedAndOnce(clients, stored, acked, out);
        for (ClientRecord c : clients) {
            duplicatesOrderAndBounds(c, out);
            noGap(c, stored, acked, out);
        }
        return out;
    }

    /** How many of each invariant, then the first {@code max} violations of each, one a line, and how many more. */
    public static String describe(List<Violation> violations, int max) {
        Map<String, List<Violation>> byInvariant = violations.stream()
                .collect(Collectors.groupingBy(Violation::invariant, TreeMap::new, Collectors.toList()));
        StringBuilder b = new StringBuilder("  by invariant:");
        byInvariant.forEach((name, list) -> b.append(' ').append(name).append('=').append(list.size()));
        b.append('\n');
        byInvariant.forEach((name, list) -> {
            list.stream().limit(max).forEach(v -> b.append("  ").append(v).append('\n'));
            if (list.size() > max) {
                b.append("  ... and ").append(list.size() - max).append(" more ").append(name).append('\n');
            }
        });
        return b.toString();
    }

    private static Map<Long, TreeMap<Long, Msg>> historyBySeq(Map<Long, List<Msg>> history, List<Violation> out) {
        Map<Long, TreeMap<Long, Msg>> bySeq = new TreeMap<>();
        history.forEach((room, messages) -> {
            TreeMap<Long, Msg> m = new TreeMap<>();
            long previous = 0;
            for (Msg msg : messages) {
                if (msg.seq() <= previous) {
                    out.add(new Violation("HISTORY_ORDER", "room " + room + ": seq " + msg.seq() + " after " + previous));
                }
                previous = Math.max(previous, msg.seq());
                m.putIfAbsent(msg.seq(), msg);
            }
            bySeq.put(room, m);
        });
        return bySeq;
    }

    private static String key(long room, long seq) {
        return room + "/" + seq;
    }

    /** (room, seq) of every message some client received as its own: the sender saw it acknowledged. */
    private static Set<String> acknowledged(List<ClientRecord> clients) {
        Set<String> acked = new HashSet<>();
        for (ClientRecord c : clients) {
            for (Receipt r : c.receipts()) {
                if (isOwn(c, r.msg())) {
                    acked.add(key(r.msg().room(), r.msg().seq()));
                }
            }
        }
        return acked;
    }

    private static boolean isOwn(ClientRecord c, Msg m) {
        return m.cmid() != 0 && c.name().equals(m.sender());
    }

    private static void oneOrder(List<ClientRecord> clients, Map<Long, TreeMap<Long, Msg>> stored, List<Violation> out) {
        Map<String, Msg> first = new HashMap<>();
        Map<String, String> firstWho = new HashMap<>();
        stored.forEach((room, msgs) -> msgs.values().forEach(m -> {
            first.put(key(room, m.seq()), m);
            firstWho.put(key(room, m.seq()), "the history");
        }));
        Set<String> reported = new HashSet<>();
        for (ClientRecord c : clients) {
            for (Receipt r : c.receipts()) {
                Msg m = r.msg();
                String k = key(m.room(), m.seq());
                Msg seen = first.putIfAbsent(k, m);
                if (seen == null) {
                    firstWho.put(k, c.name());
                } else if (!seen.identity().equals(m.identity()) && reported.add(k + "@" + c.name())) {
                    out.add(new Violation("ONE_ORDER", "room " + m.room() + " seq " + m.seq() + " is " + seen.identity()
                            + " for " + firstWho.get(k) + " but " + m.identity() + " for " + c.name()
                            + " (" + r.source() + ", connection " + r.connection() + ")"));
                }
            }
        }
    }

    private static void storedAndOnce(List<ClientRecord> clients, Map<Long, TreeMap<Long, Msg>> stored, Set<String> acked,
                                      List<Violation> out) {
        Set<String> reported = new HashSet<>();
        // sender/cmid of a room -> the seqs it was numbered with
        Map<String, TreeSet<Long>> seqsOfCmid = new TreeMap<>();
        stored.forEach((room, msgs) -> msgs.values().forEach(m -> addCmid(seqsOfCmid, m)));
        for (ClientRecord c : clients) {
            for (Receipt r : c.receipts()) {
                Msg m = r.msg();
                addCmid(seqsOfCmid, m);
                TreeMap<Long, Msg> room = stored.get(m.room());
                if ((room == null || !room.containsKey(m.seq())) && reported.add(key(m.room(), m.seq()))) {
                    String what = acked.contains(key(m.room(), m.seq())) ? "acknowledged" : "delivered";
                    out.add(new Violation("STORED", what + " message room " + m.room() + " seq " + m.seq() + " ("
                            + m.identity() + ", received by " + c.name() + ") is not in the history"));
                }
            }
        }
        seqsOfCmid.forEach((who, seqs) -> {
            if (seqs.size() > 1) {
                out.add(new Violation("STORED_ONCE", who + " was numbered " + seqs.size() + " times: seqs " + seqs));
            }
        });
    }

    private static void addCmid(Map<String, TreeSet<Long>> seqsOfCmid, Msg m) {
        if (m.cmid() != 0) {
            seqsOfCmid.computeIfAbsent("room " + m.room() + " sender " + m.sender() + " cmid " + m.cmid(),
                    k -> new TreeSet<>()).add(m.seq());
        }
    }

    private static void duplicatesOrderAndBounds(ClientRecord c, List<Violation> out) {
        Map<Long, List<Integer>> byRoom = new TreeMap<>(); // room -> indexes into receipts
        for (int i = 0; i < c.receipts().size(); i++) {
            byRoom.computeIfAbsent(c.receipts().get(i).msg().room(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Long, List<Integer>> e : byRoom.entrySet()) {
            long room = e.getKey();
            Map<Long, Integer> count = new TreeMap<>();
            for (int i : e.getValue()) {
                count.merge(c.receipts().get(i).msg().seq(), 1, Integer::sum);
            }
            count.forEach((seq, n) -> {
                if (n > 1) {
                    out.add(new Violation("DUPLICATE", c.name() + " received room " + room + " seq " + seq + " " + n + " times"));
                }
            });
            // the order the client shows them: by connection; on each, the resume's history pages first
            List<Integer> shown = new ArrayList<>(e.getValue());
            shown.sort(Comparator.<Integer>comparingInt(i -> c.receipts().get(i).connection())
                    .thenComparingInt(i -> c.receipts().get(i).source() == Source.HISTORY ? 0 : 1)
                    .thenComparingInt(i -> i));
            long previous = 0;
            for (int i : shown) {
                Receipt r = c.receipts().get(i);
                long seq = r.msg().seq();
                if (seq < previous) {
                    out.add(new Violation("ORDER", c.name() + " got room " + room + " seq " + seq + " (" + r.source()
                            + ", connection " + r.connection() + ") after seq " + previous));
                }
                previous = Math.max(previous, seq);
                if (r.source() == Source.HISTORY) {
                    boolean within = c.resumes().stream().anyMatch(x -> x.room() == room && x.connection() == r.connection()
                            && x.afterSeq() < seq && seq < x.beforeSeq());
                    if (!within) {
                        out.add(new Violation("RESUME_BOUNDS", c.name() + " paged room " + room + " seq " + seq
                                + " on connection " + r.connection() + " outside its resume " + resumesOf(c, room, r.connection())));
                    }
                }
            }
        }
    }

    private static String resumesOf(ClientRecord c, long room, int connection) {
        List<String> r = c.resumes().stream().filter(x -> x.room() == room && x.connection() == connection)
                .map(x -> "(" + x.afterSeq() + ", " + (x.beforeSeq() == Long.MAX_VALUE ? "-" : x.beforeSeq()) + ")")
                .toList();
        return r.isEmpty() ? "(none)" : String.join(", ", r);
    }

    private static void noGap(ClientRecord c, Map<Long, TreeMap<Long, Msg>> stored, Set<String> acked, List<Violation> out) {
        Map<Long, Set<Long>> received = new HashMap<>();
        for (Receipt r : c.receipts()) {
            received.computeIfAbsent(r.msg().room(), k -> new HashSet<>()).add(r.msg().seq());
        }
        for (Map.Entry<Long, Long> j : new TreeMap<>(c.joinedAt()).entrySet()) {
            long room = j.getKey();
            TreeMap<Long, Msg> h = stored.getOrDefault(room, new TreeMap<>());
            Set<Long> got = received.getOrDefault(room, Set.of());
            long from = j.getValue() + 1;
            long to;
            String until;
            if (c.liveAtEnd().contains(room)) {
                to = h.isEmpty() ? 0 : h.lastKey();
                until = "the room's last message (live at the end)";
            } else {
                to = got.stream().mapToLong(Long::longValue).max().orElse(0);
                until = "its last received message";
            }
            if (to < from) {
                continue;
            }
            List<Long> missed = h.subMap(from, true, to, true).keySet().stream().filter(s -> !got.contains(s)).toList();
            if (!missed.isEmpty()) {
                List<String> ackedMissed = missed.stream().filter(s -> acked.contains(key(room, s)))
                        .map(s -> s + " (" + h.get(s).sender() + ")").limit(10).toList();
                out.add(new Violation("NO_GAP", c.name() + " missed " + missed.size() + " of room " + room + "'s messages "
                        + from + ".." + to + " (span to " + until + "): " + ranges(missed)
                        + (ackedMissed.isEmpty() ? "" : "; acknowledged to their senders: " + String.join(", ", ackedMissed))));
            }
        }
    }

    /** 3, 4, 5, 9 as "3-5, 9", at most 20 runs. */
    static String ranges(List<Long> seqs) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < seqs.size()) {
            int j = i;
            while (j + 1 < seqs.size() && seqs.get(j + 1) == seqs.get(j) + 1) {
                j++;
            }
            runs.add(i == j ? String.valueOf(seqs.get(i)) : seqs.get(i) + "-" + seqs.get(j));
            i = j + 1;
        }
        String shown = runs.stream().limit(20).collect(Collectors.joining(", "));
        return runs.size() > 20 ? shown + ", ..." : shown;
    }

    /** Receipts of one client as "room/seq" in arrival order, for failure messages. */
    static String trace(ClientRecord c) {
        Map<String, List<Long>> bySource = new LinkedHashMap<>();
        for (Receipt r : c.receipts()) {
            bySource.computeIfAbsent("room " + r.msg().room() + " conn " + r.connection() + " " + r.source(),
                    k -> new ArrayList<>()).add(r.msg().seq());
        }
        StringBuilder b = new StringBuilder(c.name()).append(':');
        bySource.forEach((k, v) -> b.append("\n    ").append(k).append(": ").append(ranges(v)));
        return b.toString();
    }
}
