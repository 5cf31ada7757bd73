package dev.parley.chatlog;

import dev.parley.store.Database;
import dev.parley.store.MessageStore;

import dev.parley.protocol.pb.ChatNotify;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The chat log: every accepted chat message, stored in the database by a background
 * {@link ChatLogWriter}, with a spill file under the data directory for when the database is
 * slow or down. Durability (see docs/durability.md): a graceful shutdown stores or spills
 * everything; a crash loses at most what was accepted in the last flush interval; with
 * {@code sync} a message is delivered only once stored.
 *
 * <p>A crash may lose messages that members already saw, with their seq numbers. So that a
 * seq is never handed out twice, a file {@value #MARKER} exists while the log runs; found at
 * start, it means the last run crashed, and rooms that continue their seq from the log skip
 * ahead by as many messages as could have been lost (the queue bound plus one batch).
 */
public final class ChatLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatLog.class);
    static final String SPILL = "chatlog.spill";
    static final String MARKER = "chatlog.running";
    private static final int START_REPLAY_CHUNK = 5000;

    /** How the log runs; the server fills it from its configuration. */
    public record Settings(Path dataDir, Duration flushInterval, boolean sync, int queueCapacity) {
    }

    private final MessageStore store;
    private final ChatLogWriter writer;   // null when the log is off
    private final ChatLogMetrics metrics;
    private final boolean sync;
    private final long crashSkip;
    private final Path marker;
    private final SpillFile spill;
    private final ConcurrentMap<Long, StoredSeq> rooms;

    private ChatLog(MessageStore store, ChatLogWriter writer, ChatLogMetrics metrics, boolean sync,
                    long crashSkip, Path marker, SpillFile spill, ConcurrentMap<Long, StoredSeq> rooms) {
        this.rooms = rooms;
        this.store = store;
        this.writer = writer;
        this.metrics = metrics;
        this.sync = sync;
        this.crashSkip = crashSkip;
        this.marker = marker;
        this.spill = spill;
    }

    /**
     * Opens the log: replays a spill file left by an earlier run into the database (blocking;
     * call at start), notes whether that run crashed, and starts the writer.
     */
    public static ChatLog open(Settings settings, Database db, MeterRegistry registry) throws IOException, SQLException {
        MessageStore store = new MessageStore(db);
        Path marker = settings.dataDir().resolve(MARKER);
        long crashSkip = 0;
        if (Files.exists(marker)) {
            crashSkip = readSkip(marker);
            log.warn("chat log: the last run did not shut down cleanly; messages accepted in its last flush interval "
                    + "may be lost, and permanent rooms continue {} seq numbers further so that none is reused", crashSkip);
        }
        SpillFile spill = SpillFile.open(settings.dataDir().resolve(SPILL));
        boolean ok = false;
        try {
            replayAtStart(spill, store);
            long skipNextTime = settings.sync() ? 0 : settings.queueCapacity() + ChatLogWriter.MAX_BATCH;
            Files.writeString(marker, Long.toString(skipNextTime), StandardCharsets.US_ASCII);
            ConcurrentMap<Long, StoredSeq> rooms = new ConcurrentHashMap<>();
            ChatLogMetrics metrics = new ChatLogMetrics(registry);
            ChatLogWriter writer = new ChatLogWriter(settings.queueCapacity(), store, spill, rooms::get, metrics,
                    settings.flushInterval().toNanos(), settings.sync());
            metrics.bindGauges(writer::queued, spill::pendingBytes);
            writer.start();
            ok = true;
            return new ChatLog(store, writer, metrics, settings.sync(), crashSkip, marker, spill, rooms);
        } finally {
            if (!ok) {
                spill.close();
            }
        }
    }

    /** No chat log: nothing is stored. */
    public static ChatLog off() {
        return new ChatLog(null, null, null, false, 0, null, null, new ConcurrentHashMap<>());
    }

    /** Messages are stored (false: --chat-log off). */
    public boolean enabled() {
        return writer != null;
    }

    /** "Stored before delivered": the caller delivers from {@code onStored}, not at once. */
    public boolean sync() {
        return sync;
    }

    /**
     * Where a room continues its seq after a restart, given the highest seq stored for it:
     * further ahead after a crash, so the seq of a message lost in the crash is not reused.
     */
    public long continueSeq(long maxStored) {
        return maxStored + crashSkip;
    }

    /** A room starts logging; every message up to {@code lastSeq} counts as stored. */
    public StoredSeq openRoom(long roomId, long lastSeq) {
        if (!enabled()) {
            return StoredSeq.ALL;
        }
        StoredSeq s = new StoredSeq(lastSeq);
        rooms.put(roomId, s);
        return s;
    }

    /** The room is gone; messages of it still queued are stored all the same. */
    public void closeRoom(long roomId) {
        rooms.remove(roomId);
    }

    /**
     * Takes an accepted message. False when the queue is full: the caller refuses the message
     * (and does not use its seq). With {@link #sync()}, {@code onStored} runs once it is stored.
     */
    public boolean append(StoredSeq room, ChatNotify message, Runnable onStored) {
        if (writer == null) {
            return true;
        }
        if (writer.offer(new ChatLogWriter.Entry(message, room, onStored))) {
            return true;
        }
        metrics.refused.increment();
        return false;
    }

    /**
     * Stores or spills everything accepted (call after the rooms have stopped), then marks the
     * run as cleanly ended. Does not close the database.
     */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        boolean clean = writer.close();
        try {
            spill.close();
            if (spill.pendingBytes() == 0) {
                Files.deleteIfExists(spill.path());
            }
            if (clean) {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            log.warn("chat log: closing {} failed", spill.path(), e);
        }
    }

    private static void replayAtStart(SpillFile spill, MessageStore store) throws IOException, SQLException {
        if (!spill.hasPending()) {
            return;
        }
        long n = 0;
        while (true) {
            SpillFile.Chunk chunk = spill.read(START_REPLAY_CHUNK);
            if (chunk.messages().isEmpty()) {
                break;
            }
            try {
                store.insert(chunk.messages());
            } catch (SQLException e) {
                throw new SQLException("cannot replay the chat log spill file " + spill.path()
                        + " into the database (it is kept): " + e.getMessage(), e.getSQLState(), e);
            }
            spill.consume(chunk);
            n += chunk.messages().size();
        }
        spill.reset();
        log.info("chat log: replayed {} message(s) left in {} by the last run", n, spill.path());
    }

    private static long readSkip(Path marker) {
        try {
            return Long.parseLong(Files.readString(marker, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return 1_000_000; // unreadable: skip generously, seq numbers are plentiful
        }
    }
}
