package dev.parley.cluster.chaos;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite's long run (issue 13, item 7), tagged {@code chaos}: only {@code mvn -Pchaos
 * verify} runs it. Three nodes, two rooms, twelve chatters in both rooms, a passive listener per
 * node, and one fault after another while they chat: a node paused (SIGSTOP) for 8 s, past its
 * lease, then continued (it must not publish under ownership it lost; its chatters leave it when
 * their echoes stop, its listener stays and must see only the one order); two nodes killed with
 * {@code kill -9} in turn, each with a ghost whose presence must clear within 10 s, and started
 * again; then Redis restarted empty (the nodes recover without reusing a seq, and a player
 * connected throughout is back in every member list). At the end {@link ChaosChecker} judges
 * every player's records.
 */
@Tag("chaos")
class ClusterChaosLongTest {

    private static final List<String> ROOMS = List.of("chaos-world", "chaos-guild");
    private static final Duration PRESENCE_CLEARED = Duration.ofSeconds(10);

    @Test
    @Timeout(400)
    void pauseRedisRestartAndRepeatedKillsKeepEveryPromise() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.start(new ClusterHarness.Settings("long", 3, ROOMS, List.of()));
             ChaosRun run = new ChaosRun(cluster)) {
            List<Long> rooms = ROOMS.stream().map(name -> {
                try {
                    return run.roomIds().get(name);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            List<ChaosPlayer> chatters = new ArrayList<>();
            for (int i = 0; i < 12; i++) { // four per node: index i starts on node i % 3
                chatters.add(run.player("c" + i, i, rooms, ChaosPlayer.Settings.chatter(Duration.ofMillis(150))));
            }
            for (int i = 0; i < 3; i++) {
                run.player("listener" + i, i, rooms, ChaosPlayer.Settings.listener());
            }
            ChaosPlayer ghost3 = run.player("ghost3", 2, rooms, ChaosPlayer.Settings.ghost());
            ChaosPlayer ghost1 = run.player("ghost1", 0, rooms, ChaosPlayer.Settings.ghost());
            run.awaitReady();
            ClusterHarness.Node n1 = cluster.node(0);
            ClusterHarness.Node n2 = cluster.node(1);
            ClusterHarness.Node n3 = cluster.node(2);
            assertThat(ghost3.node()).isEqualTo(n3.id);
            assertThat(ghost1.node()).isEqualTo(n1.id);

            run.chatFor(Duration.ofSeconds(3));

            // a pause past the lease: the node's chatters give up on it after their ack timeout (5 s)
            List<ChaosPlayer> paused = run.on(n2.id).stream().filter(chatters::contains).toList();
            cluster.pause(n2);
            run.chatFor(Duration.ofSeconds(8));
            cluster.resume(n2);
            run.awaitMovedOff(n2.id, paused, Duration.ofSeconds(30));
            run.chatFor(Duration.ofSeconds(3));

            // kill -9, twice, each node coming back afterwards
            killAndRestart(cluster, run, n3, ghost3, rooms);
            killAndRestart(cluster, run, n1, ghost1, rooms);
            run.chatFor(Duration.ofSeconds(3));

            // Redis loses everything: the nodes must recover without reusing a seq, and share the members again
            ChaosPlayer witness = run.player("witness", 2, rooms, ChaosPlayer.Settings.listener());
            run.awaitReady();
            run.awaitListedByAll(witness.name(), rooms, PRESENCE_CLEARED);
            cluster.restartRedis();
            run.chatFor(Duration.ofSeconds(6));
            String membersAfterRedisRestart = run.listedByAll(witness.name(), rooms, PRESENCE_CLEARED);

            ChaosRun.Outcome outcome = run.settleAndCheck(rooms);

            assertThat(membersAfterRedisRestart).as("member lists after Redis restarted empty").isNull();
            assertThat(paused).as("chatters of the paused node").isNotEmpty()
                    .allSatisfy(p -> assertThat(p.reconnects()).as(p + " reconnects").isPositive());
            assertThat(outcome.acknowledged()).as("acknowledged messages").isGreaterThanOrEqualTo(500);
        }
    }

    private static void killAndRestart(ClusterHarness cluster, ChaosRun run, ClusterHarness.Node victim,
                                       ChaosPlayer ghost, List<Long> rooms) throws Exception {
        run.awaitListedByAll(ghost.name(), rooms, PRESENCE_CLEARED);
        List<ChaosPlayer> movers = run.on(victim.id).stream().filter(p -> p != ghost).toList();
        cluster.kill(victim);
        run.awaitGoneFromMemberLists(ghost.name(), rooms, PRESENCE_CLEARED);
        run.awaitMovedOff(victim.id, movers, Duration.ofSeconds(30));
        run.chatFor(Duration.ofSeconds(3));
        cluster.restart(victim);
        assertThat(movers).allSatisfy(p -> assertThat(p.reconnects()).as(p + " reconnects").isPositive());
    }
}
