package dev.parley.chatlog;

import dev.parley.server.ServerConfig;
import dev.parley.testing.Chat;
import dev.parley.testing.H2NetworkServer;
import dev.parley.testing.PostgresTestDatabase;
import dev.parley.testing.StoredMessages.Row;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real database goes away mid-run and comes back: chat goes on, messages spill to the file
 * and are replayed into the database when it returns, none lost or duplicated.
 */
class DatabaseOutageTest {

    @TempDir
    Path dir;

    /** The database ends, and comes back. */
    interface Outage {
        void begin() throws Exception;

        void end() throws Exception;

        Connection connect() throws SQLException;
    }

    @Test
    void anH2ServerThatStopsAndReturns() throws Exception {
        try (H2NetworkServer h2 = H2NetworkServer.start(dir.resolve("h2"))) {
            run(c -> c.dbUrl(h2.url()), new Outage() {
                @Override
                public void begin() {
                    h2.stop();
                }

                @Override
                public void end() throws SQLException {
                    h2.restart();
                }

                @Override
                public Connection connect() throws SQLException {
                    return h2.connect();
                }
            });
        }
    }

    @Test
    void aPostgresDatabaseThatRefusesConnectionsAndReturns() throws Exception {
        try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
            run(c -> {
                c.dbUrl(pg.url());
                c.dbUser(PostgresTestDatabase.USER);
            }, new Outage() {
                @Override
                public void begin() throws SQLException {
                    pg.refuseConnections();
                }

                @Override
                public void end() throws SQLException {
                    pg.allowConnections();
                }

                @Override
                public Connection connect() throws SQLException {
                    return pg.connect();
                }
            });
        }
    }

    @Test
    void aShutdownWhileTheDatabaseIsAwaySpillsAndTheNextStartReplays() throws Exception {
        H2NetworkServer h2 = H2NetworkServer.start(dir.resolve("h2"));
        String url = h2.url();
        Consumer<ServerConfig.Builder> config = c -> {
            c.dbUrl(url);
            c.rateLimit(0);
            c.permanentRooms(List.of("lobby"));
        };
        long lobby;
        try {
            TestServer server = TestServer.start(dir.resolve("data"), config);
            Path spill = dir.resolve("data").resolve(BatchedChatLog.spillName(server.server().database().id()));
            try (TestClient a = server.login("alice")) {
                lobby = Chat.room(a, "lobby").getRoomId();
                Chat.join(a, lobby);
                h2.stop();
                say(a, 1, 200);
                assertThat(Chat.seqs(Chat.receive(a, 200))).isEqualTo(Chat.range(1, 200));
            } finally {
                server.close(); // the database is away: everything goes to the spill file
            }
            assertThat(spill).exists();
            assertThat(dir.resolve("data")).as("a clean shutdown").isDirectoryNotContaining("glob:**.running");

            h2.restart();
            try (TestServer again = TestServer.start(dir.resolve("data"), config);
                 TestClient a = again.login("alice");
                 Connection c = h2.connect()) {
                assertThat(StoredMessages.of(c, lobby)).extracting(Row::seq).isEqualTo(Chat.range(1, 200));
                Chat.join(a, lobby);
                Chat.say(a, "after", 1);
                assertThat(a.expectSkipping(dev.parley.protocol.pb.ChatNotify.class).getSeq()).isEqualTo(201);
            }
            assertThat(spill).as("replayed and removed").doesNotExist();
        } finally {
            h2.stop();
        }
    }

    private void run(Consumer<ServerConfig.Builder> db, Outage outage) throws Exception {
        int before = 100;
        int during = 300;
        int after = 50;
        int total = before + during + after;
        try (TestServer server = TestServer.start(dir.resolve("data"), c -> {
            db.accept(c);
            c.rateLimit(0);
        });
             TestClient a = server.login("alice");
             TestClient b = server.login("bob");
             TestClient carol = server.login("carol")) {
            MeterRegistry meters = server.server().meterRegistry();
            long room = Chat.createRoom(a, "outage");
            Chat.join(b, room);
            say(a, 1, before);
            assertThat(Chat.seqs(Chat.receive(b, before))).isEqualTo(Chat.range(1, before));
            try (Connection c = outage.connect()) {
                StoredMessages.awaitCount(c, before, 20);
            }

            outage.begin();
            say(a, before + 1, during);
            // chat goes on: every message is delivered while the database is away
            assertThat(Chat.seqs(Chat.receive(b, during))).isEqualTo(Chat.range(before + 1, before + during));
            StoredMessages.await("messages to spill", 20,
                    () -> meters.get("parley.chatlog.spilled").counter().count() > 0);
            // a room can still be created: its id comes from the block reserved in advance
            assertThat(Chat.createRoom(carol, "during the outage")).isPositive();

            outage.end();
            say(a, before + during + 1, after);
            Chat.receive(a, before + during + after);
            try (Connection c = outage.connect()) {
                StoredMessages.awaitCount(c, total, 30);
                List<Row> rows = StoredMessages.of(c, room);
                assertThat(rows).extracting(Row::seq).containsExactlyElementsOf(Chat.range(1, total));
                assertThat(rows).extracting(Row::text).doesNotHaveDuplicates();
                assertThat(StoredMessages.count(c)).isEqualTo(total);
            }
            assertThat(meters.get("parley.chatlog.replayed").counter().count()).isPositive();
            StoredMessages.await("the spill file to be replayed", 20,
                    () -> meters.get("parley.chatlog.spill.pending").gauge().value() == 0);
        }
    }

    private static void say(TestClient c, int from, int n) {
        for (int i = from; i < from + n; i++) {
            Chat.say(c, "m" + i, i);
        }
    }
}
