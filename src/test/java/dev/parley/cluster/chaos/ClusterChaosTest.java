package dev.parley.cluster.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite's short run, part of the normal suite (issue 13, item 7): three nodes on one
 * Redis and one PostgreSQL, six players spread over them in one room plus a ghost, a few hundred
 * messages, one node killed with {@code kill -9} mid-chat. Its players resume on the other nodes;
 * the ghost, which does not come back, leaves every member list within 10 s; and
 * {@link ChaosChecker} finds every promise kept in the players' own records. The long runs (pause,
 * Redis restart, repeated kills) are {@link ClusterChaosLongTest}, under {@code mvn -Pchaos verify}.
 * Needs /usr/bin/redis-server and PostgreSQL at 127.0.0.1:5432, as CI has; fails, saying so, without them.
 */
class ClusterChaosTest {

    private static final String ROOM = "chaos-lobby";

    @Test
    @Timeout(110)
    void aKilledNodesPlayersResumeElsewhereAndEveryAcknowledgedMessageReachesEveryMember() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.start(
                new ClusterHarness.Settings("short", 3, List.of(ROOM), List.of()));
             ChaosRun run = new ChaosRun(cluster)) {
            List<Long> rooms = List.of(run.roomIds().get(ROOM));
            List<ChaosPlayer> chatters = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // two per node: index i starts on node i % 3
                chatters.add(run.player("p" + i, i, rooms, ChaosPlayer.Settings.chatter(Duration.ofMillis(100))));
            }
            ClusterHarness.Node victim = cluster.node(1);
            ChaosPlayer ghost = run.player("ghost", 1, rooms, ChaosPlayer.Settings.ghost());
            run.awaitReady();
            assertThat(ghost.node()).isEqualTo(victim.id);
            run.awaitListedByAll(ghost.name(), rooms, Duration.ofSeconds(10));
            List<ChaosPlayer> movers = run.on(victim.id).stream().filter(p -> p != ghost).toList();
            assertThat(movers).as("players on the node to kill").hasSize(2);

            run.chatFor(Duration.ofSeconds(3));
            cluster.kill(victim);
            run.awaitMovedOff(victim.id, movers, Duration.ofSeconds(20));
            run.awaitGoneFromMemberLists(ghost.name(), rooms, Duration.ofSeconds(10));
            run.chatFor(Duration.ofSeconds(3));

            ChaosRun.Outcome outcome = run.settleAndCheck(rooms);

            // the run must have done what it claims, or a pass means nothing
            assertThat(movers).allSatisfy(p -> assertThat(p.reconnects()).as(p + " reconnects").isPositive());
            assertThat(outcome.acknowledged()).as("acknowledged messages").isGreaterThanOrEqualTo(150);
            assertThat(outcome.history().get(rooms.get(0))).as("stored messages").hasSizeGreaterThanOrEqualTo(150);
        }
    }
}
