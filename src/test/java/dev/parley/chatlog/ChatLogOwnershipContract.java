package dev.parley.chatlog;

import dev.parley.testing.BackendContract;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash marker and the spill file belong to one database: a server on another database that
 * uses the same data directory neither clears this one's crash nor replays its spill, and an
 * earlier version's unkeyed marker and spill file are honoured exactly once.
 */
abstract class ChatLogOwnershipContract extends BackendContract {

    private static final long SKIP = 1000;

    /** This backend's database id, read by a first clean run. */
    private String databaseId0;

    private String databaseId() throws Exception {
        try (TestServer s = start(c -> { })) {
            return s.server().database().id();
        }
    }

    /** A server on another database (in memory) with this data directory: starts and stops cleanly. */
    private void runOtherDatabase() throws Exception {
        try (TestServer other = TestServer.start(dir, c -> c.dbUrl("jdbc:h2:mem:other-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1"))) {
            assertThat(other.server().database().id()).as("each database its own id").isNotEqualTo(databaseId0);
        }
    }

    @Test
    void anotherDatabasesCleanShutdownLeavesThisOnesCrashAndSpillAlone() throws Exception {
        databaseId0 = databaseId();
        assertThat(databaseId()).as("the same database keeps its id").isEqualTo(databaseId0);
        // this database's run "crashed": its marker and a spill with 30 messages are left
        Path marker = dir.resolve(BatchedChatLog.markerName(databaseId0));
        Files.writeString(marker, Long.toString(SKIP), StandardCharsets.US_ASCII);
        try (SpillFile spill = SpillFile.open(dir.resolve(BatchedChatLog.spillName(databaseId0)))) {
            spill.append(SpillFileTest.messages(77, 1, 30));
        }

        runOtherDatabase();
        assertThat(marker).as("not the other server's to clear").exists();
        assertThat(dir.resolve(BatchedChatLog.spillName(databaseId0))).as("not the other server's to replay").exists();

        try (TestServer again = start(c -> { }); Connection c = backend.connect(dir)) {
            assertThat(again.server().chatLog().continueSeq(100)).as("the crash noticed").isEqualTo(100 + SKIP);
            assertThat(StoredMessages.of(c, 77)).hasSize(30);
        }
        try (TestServer clean = start(c -> { })) {
            assertThat(clean.server().chatLog().continueSeq(100)).as("the last run shut down cleanly").isEqualTo(100);
        }
    }

    @Test
    void anEarlierVersionsUnkeyedMarkerAndSpillAreHonouredOnce() throws Exception {
        databaseId0 = databaseId();
        Files.writeString(dir.resolve(BatchedChatLog.MARKER), Long.toString(SKIP), StandardCharsets.US_ASCII);
        try (SpillFile spill = SpillFile.open(dir.resolve(BatchedChatLog.SPILL))) {
            spill.append(SpillFileTest.messages(78, 1, 20));
        }
        try (TestServer upgraded = start(c -> { }); Connection c = backend.connect(dir)) {
            assertThat(upgraded.server().chatLog().continueSeq(100)).as("counted as a crash").isEqualTo(100 + SKIP);
            assertThat(StoredMessages.of(c, 78)).as("replayed into this database").hasSize(20);
            assertThat(dir.resolve(BatchedChatLog.MARKER)).doesNotExist();
            assertThat(dir.resolve(BatchedChatLog.SPILL)).doesNotExist();
        }
        try (TestServer again = start(c -> { })) {
            assertThat(again.server().chatLog().continueSeq(100)).as("only once").isEqualTo(100);
        }
    }
}
