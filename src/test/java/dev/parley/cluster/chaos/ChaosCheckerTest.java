package dev.parley.cluster.chaos;

import dev.parley.cluster.chaos.ChaosChecker.Violation;
import dev.parley.cluster.chaos.ClientRecord.Msg;
import dev.parley.cluster.chaos.ClientRecord.Receipt;
import dev.parley.cluster.chaos.ClientRecord.Resume;
import dev.parley.cluster.chaos.ClientRecord.Source;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker on hand-made records: a clean run passes, and each broken promise is caught and named. */
class ChaosCheckerTest {

    private static final long ROOM = 7;

    /** Message {@code seq} of ROOM, said by alice or bob by parity, with a cmid per sender. */
    private static Msg msg(long seq) {
        return new Msg(ROOM, seq, 0, seq % 2 == 0 ? "alice" : "bob", 1000 + seq, "m" + seq);
    }

    private static List<Msg> history(long... seqs) {
        return LongStream.of(seqs).mapToObj(ChaosCheckerTest::msg).toList();
    }

    private static List<Msg> history(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(ChaosCheckerTest::msg).toList();
    }

    /** Builds one client's record. */
    private static final class Rec {
        final String name;
        final List<Receipt> receipts = new ArrayList<>();
        final List<Resume> resumes = new ArrayList<>();
        final Map<Long, Long> joinedAt = new HashMap<>();
        final Set<Long> live = new HashSet<>();
        int connection = 1;

        Rec(String name, long joinedAt) {
            this.name = name;
            this.joinedAt.put(ROOM, joinedAt);
            live.add(ROOM);
        }

        Rec got(Source source, long... seqs) {
            for (long s : seqs) {
                receipts.add(new Receipt(msg(s), source, connection));
            }
            return this;
        }

        Rec live(long from, long to) {
            LongStream.rangeClosed(from, to).forEach(s -> got(Source.LIVE, s));
            return this;
        }

        Rec got(Msg m) {
            receipts.add(new Receipt(m, Source.LIVE, connection));
            return this;
        }

        /** A new connection that rejoins after {@code after}, its recent starting at {@code before}. */
        Rec resume(long after, long before) {
            connection++;
            resumes.add(new Resume(ROOM, connection, after, before));
            return this;
        }

        Rec gone() {
            live.clear();
            return this;
        }

        ClientRecord build() {
            return new ClientRecord(name, receipts, resumes, joinedAt, live);
        }
    }

    private static List<Violation> check(Map<Long, List<Msg>> history, Rec... clients) {
        return ChaosChecker.check(List.of(clients).stream().map(Rec::build).toList(), history);
    }

    private static List<String> invariants(List<Violation> violations) {
        return violations.stream().map(Violation::invariant).distinct().toList();
    }

    @Test
    void aCleanRunWithAResumeAcrossNodesAndASafetySkipPasses() {
        // seqs 11-14 skipped by the server (Redis lost its counters): nobody is owed them
        Map<Long, List<Msg>> h = Map.of(ROOM, new ArrayList<>(history(1, 10)) {{ addAll(history(15, 30)); }});
        Rec alice = new Rec("alice", 0).live(1, 10).live(15, 30);
        // bob's node died after seq 5: he resumed elsewhere with last_seen 5, paged 6-10 and 15-19, recent 20-25, then live
        Rec bob = new Rec("bob", 0).live(1, 5).resume(5, 20).got(Source.RECENT, 20, 21, 22, 23, 24, 25)
                .got(Source.HISTORY, 6, 7, 8, 9, 10, 15, 16, 17, 18, 19).live(26, 30);
        // carol joined late (recent 4-8) and her node died for good after seq 12 (skipped) - she saw 10
        Rec carol = new Rec("carol", 8).got(Source.RECENT, 4, 5, 6, 7, 8).live(9, 10).gone();

        assertThat(check(h, alice, bob, carol)).isEmpty();
    }

    @Test
    void twoMessagesUnderOneSeqBreakTheOneOrder() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 3));
        Rec alice = new Rec("alice", 0).live(1, 3);
        // a node that lost its lease numbered bob's message 3 as well
        Rec dave = new Rec("dave", 0).live(1, 2).got(new Msg(ROOM, 3, 0, "bob", 77, "stale owner"));

        List<Violation> v = check(h, alice, dave);

        assertThat(invariants(v)).containsExactly("ONE_ORDER");
        assertThat(v.get(0).detail()).contains("room 7 seq 3", "the history", "dave", "stale owner");
    }

    @Test
    void anAcknowledgedMessageMissingFromTheHistoryIsLost() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 3));
        Rec alice = new Rec("alice", 0).live(1, 4); // 4 is alice's own: acknowledged, then lost with its node

        List<Violation> v = check(h, alice);

        assertThat(invariants(v)).containsExactly("STORED");
        assertThat(v.get(0).detail()).startsWith("acknowledged message room 7 seq 4");
    }

    @Test
    void aDeliveredMessageMissingFromTheHistoryIsCaughtToo() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 3));
        Rec carol = new Rec("carol", 0).live(1, 4).gone(); // 4 is alice's, carol saw it, the log lost it

        assertThat(check(h, carol)).extracting(Violation::detail)
                .singleElement().asString().startsWith("delivered message room 7 seq 4");
    }

    @Test
    void aMessageReceivedTwiceIsADuplicate() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 6));
        // the resume's recent repeated seq 4, which bob had already
        Rec bob = new Rec("bob", 0).live(1, 4).resume(4, 4).got(Source.RECENT, 4, 5, 6);

        List<Violation> v = check(h, bob);

        assertThat(invariants(v)).containsExactly("DUPLICATE");
        assertThat(v.get(0).detail()).isEqualTo("bob received room 7 seq 4 2 times");
    }

    @Test
    void aResentMessageNumberedAgainIsNotStoredOnce() {
        Msg again = new Msg(ROOM, 4, 0, "bob", 1003, "m3"); // bob's cmid 1003 was seq 3 already
        Map<Long, List<Msg>> h = Map.of(ROOM, List.of(msg(1), msg(2), msg(3), again));
        Rec bob = new Rec("bob", 0).live(1, 3).got(again);

        List<Violation> v = check(h, bob);

        assertThat(invariants(v)).containsExactly("STORED_ONCE");
        assertThat(v.get(0).detail()).contains("sender bob cmid 1003", "seqs [3, 4]");
    }

    @Test
    void messagesShownOutOfOrderAreReordered() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 5));
        Rec alice = new Rec("alice", 0).live(1, 2).got(Source.LIVE, 4, 3, 5);

        List<Violation> v = check(h, alice);

        assertThat(invariants(v)).containsExactly("ORDER");
        assertThat(v.get(0).detail()).contains("seq 3", "after seq 4");
    }

    @Test
    void liveMessagesOfANewConnectionMayNotGoBackBeforeWhatTheOldOneShowed() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 8));
        // a second node re-sent 5-6 live after the resume: both a duplicate and a step back
        Rec bob = new Rec("bob", 0).live(1, 6).resume(6, Long.MAX_VALUE).got(Source.LIVE, 5, 6, 7, 8);

        assertThat(invariants(check(h, bob))).containsExactlyInAnyOrder("DUPLICATE", "ORDER");
    }

    @Test
    void historyPagesOutsideTheResumeBoundsAreCaught() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 10));
        Rec bob = new Rec("bob", 0).live(1, 4).resume(4, 8).got(Source.RECENT, 8, 9, 10)
                .got(Source.HISTORY, 5, 6, 7, 8); // 8 is the recent's first: the page must stop before it

        List<Violation> v = check(h, bob);

        assertThat(invariants(v)).contains("RESUME_BOUNDS");
        assertThat(v).filteredOn(x -> x.invariant().equals("RESUME_BOUNDS")).singleElement()
                .extracting(Violation::detail).asString().contains("seq 8", "(4, 8)");
    }

    @Test
    void aResumeThatSkipsStoredMessagesIsAGapAndNamesTheAcknowledgedOnes() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 12));
        Rec alice = new Rec("alice", 0).live(1, 12);
        // bob resumed with last_seen 4 but his new node's recent began at 9 and he did not page 5-8
        Rec bob = new Rec("bob", 0).live(1, 4).resume(4, 9).got(Source.RECENT, 9, 10, 11, 12);

        List<Violation> v = check(h, alice, bob);

        assertThat(invariants(v)).containsExactly("NO_GAP");
        assertThat(v.get(0).detail()).contains("bob missed 4", "5-8", "acknowledged to their senders: 6 (alice)");
    }

    @Test
    void aSkipIsAllowedOnlyWhereTheHistoryHasNoMessage() {
        // the server's history has 5: a client that skipped it, claiming a safety skip, is short
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 8));
        Rec alice = new Rec("alice", 0).live(1, 4).live(6, 8);

        assertThat(invariants(check(h, alice))).containsExactly("NO_GAP");
    }

    @Test
    void aMemberLiveAtTheEndIsOwedTheTailOfTheRoom() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 9));
        Rec alice = new Rec("alice", 0).live(1, 9);
        Rec erin = new Rec("erin", 0).live(1, 6); // still connected, never got 7-9 (her node stopped forwarding)
        Rec frank = new Rec("frank", 0).live(1, 6).gone(); // gone with his node: owed nothing after 6

        List<Violation> v = check(h, alice, erin, frank);

        assertThat(v).singleElement().extracting(Violation::detail).asString()
                .contains("erin missed 3", "7-9", "live at the end");
    }

    @Test
    void aMessageBeforeTheMembershipIsNotOwed() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 30));
        Rec gina = new Rec("gina", 25).got(Source.RECENT, 21, 22, 23, 24, 25).live(26, 30);

        assertThat(check(h, gina)).isEmpty();
    }

    @Test
    void historyThatRepeatsASeqIsCaught() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 2, 2, 3));

        assertThat(invariants(check(h, new Rec("alice", 0).live(1, 3)))).containsExactly("HISTORY_ORDER");
    }

    @Test
    void theDescriptionCountsEachInvariant() {
        Map<Long, List<Msg>> h = Map.of(ROOM, history(1, 3));
        Rec alice = new Rec("alice", 0).live(1, 2).got(Source.LIVE, 2);

        Rec bob = new Rec("bob", 0).live(1, 1).live(1, 3);

        String described = ChaosChecker.describe(check(h, alice, bob), 1);

        assertThat(described).startsWith("  by invariant: DUPLICATE=2 NO_GAP=1\n")
                .contains("DUPLICATE: alice", "... and 1 more DUPLICATE\n", "NO_GAP: alice");
    }

    @Test
    void rangesAreCompact() {
        assertThat(ChaosChecker.ranges(List.of(1L, 2L, 3L, 5L, 7L, 8L))).isEqualTo("1-3, 5, 7-8");
    }
}
