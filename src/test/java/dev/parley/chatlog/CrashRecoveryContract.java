package dev.parley.chatlog;

import com.google.protobuf.MessageLite;
import dev.parley.client.ParleyConnection;
import dev.parley.launch.ServerProcess;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.BackendContract;
import dev.parley.testing.Chat;
import dev.parley.testing.StoredMessages.Row;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability promise, measured on a server in a child JVM: kill -9 loses at most the
 * messages of the last flush interval; a permanent room keeps its id and continues its seq
 * without reusing the seq of a lost message; SIGTERM with messages in flight loses nothing.
 */
abstract class CrashRecoveryContract extends BackendContract {

    /** The promise is one flush interval; this much more covers the commit itself and a loaded machine. */
    static final long FLUSH_MS = 20;
    static final long SLACK_MS = 100;


    ServerProcess start(String flushInterval) throws Exception {
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--admin-port", "-1", "--ws-port", "-1",
                "--password-iterations", "1000", "--io-threads", "2", "--data-dir", dir.resolve("data").toString(),
                "--permanent-rooms", "lobby", "--rate-limit", "0", "--log-flush-interval", flushInterval,
                "--drain", "0")); // SIGTERM stops at once: what is queued then is what the test is about
        args.addAll(backend.serverArgs());
        return ServerProcess.start(ServerProcess.Options.of(args, dir.resolve("server.log")).withJvmArgs(List.of("-Xmx256m")));
    }

    static TestClient client(ServerProcess server) throws IOException {
        return TestClient.connect("127.0.0.1", server.port());
    }

    @Test
    void killMinusNineLosesAtMostTheLastFlushIntervalAndSeqNumbersAreNeverReused() throws Exception {
        ServerProcess first = start(FLUSH_MS + "ms");
        long lobby;
        long adHocRoom;
        Map<Long, Long> receivedAt = new ConcurrentHashMap<>();
        Map<Long, String> texts = new ConcurrentHashMap<>();
        long killedAt;
        try (TestClient carol = client(first)) {
            carol.loginOk("carol", "pw-carol");
            adHocRoom = Chat.createRoom(carol, "ad hoc");
            lobby = Chat.room(carol, "lobby").getRoomId();

            LinkedBlockingQueue<MessageLite> inbox = new LinkedBlockingQueue<>();
            ParleyConnection alice = ParleyConnection.connect("127.0.0.1", first.port(), new ParleyConnection.Listener() {
                @Override
                public void onMessage(MessageLite m) {
                    if (m instanceof ChatNotify n) {
                        receivedAt.put(n.getSeq(), System.nanoTime());
                        texts.put(n.getSeq(), n.getText());
                    } else {
                        inbox.add(m);
                    }
                }
            });
            try {
                alice.send(LoginRequest.newBuilder().setName("alice").setPassword("pw-alice").build());
                assertThat(((LoginResponse) inbox.poll(10, TimeUnit.SECONDS)).getResult()).isEqualTo(Result.OK);
                alice.send(JoinRoomRequest.newBuilder().setRoomId(lobby).build());
                assertThat(((JoinRoomResponse) inbox.poll(10, TimeUnit.SECONDS)).getResult()).isEqualTo(Result.OK);

                AtomicBoolean stop = new AtomicBoolean();
                Thread sender = new Thread(() -> {
                    for (long i = 1; !stop.get(); i++) {
                        alice.send(ChatRequest.newBuilder().setText("crash " + i).setClientMsgId(i).build());
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                });
                sender.start();
                StoredMessages.await("a steady stream", 30, () -> receivedAt.size() >= 1000);
                killedAt = System.nanoTime();
                first.kill();
                stop.set(true);
                sender.join(5_000);
            } finally {
                alice.close();
            }
        }
        long maxReceived = receivedAt.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();

        ServerProcess second = start("5s"); // long: what follows is still queued at SIGTERM
        long graceful = 300;
        try (TestClient bob = client(second)) {
            bob.loginOk("bob", "pw-bob");
            assertThat(Chat.room(bob, "lobby").getRoomId()).as("permanent room id").isEqualTo(lobby);
            List<ChatNotify> stored = Chat.all(bob, lobby);
            long lastStored = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).getSeq();
            // written in order, so what survives is a prefix: 1..lastStored
            assertThat(Chat.seqs(stored)).isEqualTo(Chat.range(1, lastStored));
            for (ChatNotify m : stored) {
                assertThat(m.getText()).isEqualTo(texts.get(m.getSeq()));
            }
            long lost = 0;
            long oldestLostAgeMs = 0;
            for (Map.Entry<Long, Long> e : receivedAt.entrySet()) {
                if (e.getKey() > lastStored) {
                    lost++;
                    oldestLostAgeMs = Math.max(oldestLostAgeMs, TimeUnit.NANOSECONDS.toMillis(killedAt - e.getValue()));
                }
            }
            System.out.printf("[%s] kill -9 with a %d ms flush interval: %d message(s) received, %d stored, %d lost; "
                            + "the oldest lost was received %d ms before the kill%n",
                    backend.name(), FLUSH_MS, receivedAt.size(), lastStored, lost, oldestLostAgeMs);
            assertThat(oldestLostAgeMs).as("age of the oldest lost message at the kill (ms)")
                    .isLessThanOrEqualTo(FLUSH_MS + SLACK_MS);

            JoinRoomResponse join = Chat.join(bob, lobby);
            assertThat(join.getResult()).isEqualTo(Result.OK);
            if (lastStored > 0) {
                assertThat(join.getRecent(join.getRecentCount() - 1).getSeq()).isEqualTo(lastStored);
            }
            Chat.say(bob, "after the crash", 1);
            long next = bob.expectSkipping(ChatNotify.class).getSeq();
            assertThat(next).as("the seq continues beyond every seq handed out before the crash")
                    .isGreaterThan(maxReceived);

            try (TestClient carol = client(second)) {
                carol.loginOk("carol", "pw-carol");
                assertThat(Chat.createRoom(carol, "ad hoc")).as("room ids are never reused").isGreaterThan(adHocRoom);
            }

            for (int i = 2; i <= graceful + 1; i++) {
                Chat.say(bob, "graceful " + i, i);
            }
            List<ChatNotify> inFlight = Chat.receive(bob, (int) graceful);
            second.terminate(Duration.ofSeconds(60));

            try (Connection db = backend.connect(dir.resolve("data"))) {
                List<Row> rows = StoredMessages.of(db, lobby);
                List<Long> expected = Stream.concat(Chat.range(1, lastStored).stream(),
                        Chat.range(next, next + graceful).stream()).toList();
                assertThat(rows).extracting(Row::seq).as("SIGTERM stored every queued message").isEqualTo(expected);
                assertThat(rows.get(rows.size() - 1).text()).isEqualTo(inFlight.get(inFlight.size() - 1).getText());
            }
        } catch (AssertionError | RuntimeException e) {
            System.out.println(second.output());
            throw e;
        } finally {
            second.kill();
        }
    }
}
