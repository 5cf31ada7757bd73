package dev.parley.chatlog;

import dev.parley.protocol.pb.ChatNotify;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The chat log that stores: every accepted message goes through a bounded queue to a
 * {@link ChatLogWriter} thread, which writes batches to a {@link MessageSink} (the database) and
 * falls back to a {@link SpillFile} under the data directory while the sink is slow or down.
 * Durability (see docs/durability.md): a graceful shutdown stores or spills everything; a crash
 * loses at most what was accepted in the last flush interval; with {@code sync} a message is
 * delivered only once stored.
 *
 * <p>A crash may lose messages that members already saw, with their seq numbers. So that a
 * seq is never handed out twice, a file {@value #MARKER} exists while the log runs; found at
 * start, it means the last run crashed, and rooms that continue their seq from the log skip
 * ahead by as many messages as could have been lost (the queue bound plus one batch; 0 in sync
 * mode, where nothing unstored has been seen).
 *
 * <p>Threads: {@link #open} blocks its caller (it replays a spill file left by the last run);
 * {@link #append}, {@link #openRoom} and {@link #closeRoom} are called by rooms on any thread;
 * the writer advances {@link StoredSeq}s on its own thread; {@link #close()} once, at shutdown.
 */
public final class BatchedChatLog implements ChatLog {

    private static final Logger log = LoggerFactory.getLogger(BatchedChatLog.class);
    /** The unkeyed names of earlier versions (and of a log opened without a database id). */
    static final String SPILL = "chatlog.spill";
    static final String MARKER = "chatlog.running";
    /** Seq numbers to skip when the marker cannot be read: generous, seq numbers are plentiful. */
    static final long UNREADABLE_MARKER_SKIP = 1_000_000;

    private final ChatLogWriter writer;
    private final ChatLogMetrics metrics;
    private final boolean sync;
    private final long crashSkip;
    private final Path marker;
    private final SpillFile spill;
    /** Open rooms, so that a replay from the spill file can advance their {@link StoredSeq}. */
    private final ConcurrentMap<Long, StoredSeq> rooms;
    private boolean closed;

    private BatchedChatLog(ChatLogWriter writer, ChatLogMetrics metrics, boolean sync, long crashSkip, Path marker,
                           SpillFile spill, ConcurrentMap<Long, StoredSeq> rooms) {
        this.writer = writer;
        this.metrics = metrics;
        this.sync = sync;
        this.crashSkip = crashSkip;
        this.marker = marker;
        this.spill = spill;
        this.rooms = rooms;
    }

    /**
     * Opens the log: replays a spill file left by an earlier run into {@code sink} (blocking;
     * call at start), notes whether that run crashed, and starts the writer.
     *
     * @throws IOException the data directory is unusable, or the spill file cannot be replayed
     *                     (it is kept for the next attempt)
     */
    public static BatchedChatLog open(ChatLogSettings settings, MessageSink sink, MeterRegistry registry)
            throws IOException {
        return open(settings, null, sink, registry);
    }

    /**
     * Opens the log with its crash marker and spill file named after {@code databaseId}
     * ({@code chatlog-<id>.running}, {@code chatlog-<id>.spill}), so that they belong to one
     * database whatever else uses the data directory. An unkeyed marker or spill file left by an
     * earlier version is honoured once: counted as a crash and replayed into this database, then
     * removed. A null id keeps the unkeyed names.
     *
     * @throws IOException the data directory is unusable, or a spill file cannot be replayed
     *                     (it is kept for the next attempt)
     */
    public static BatchedChatLog open(ChatLogSettings settings, String databaseId, MessageSink sink,
                                      MeterRegistry registry) throws IOException {
        Path dir = settings.dataDir();
        Path marker = dir.resolve(markerName(databaseId));
        Path legacyMarker = databaseId == null ? null : dir.resolve(MARKER);
        long crashSkip = 0;
        boolean crashed = false;
        for (Path m : new Path[]{marker, legacyMarker}) {
            if (m != null && Files.exists(m)) {
                crashSkip = Math.max(crashSkip, readSkip(m));
                crashed = true;
            }
        }
        if (crashed) {
            log.warn("chat log: the last run did not shut down cleanly; messages accepted in its last flush interval "
                    + "may be lost, and permanent rooms continue {} seq numbers further so that none is reused", crashSkip);
        }
        if (databaseId != null) {
            adoptLegacySpill(dir.resolve(SPILL), sink);
        }
        SpillFile spill = SpillFile.open(dir.resolve(spillName(databaseId)));
        boolean ok = false;
        try {
            replayAtStart(spill, sink);
            long skipNextTime = settings.sync() ? 0 : settings.queueCapacity() + ChatLogWriter.MAX_BATCH;
            Files.writeString(marker, Long.toString(skipNextTime), StandardCharsets.US_ASCII);
            if (legacyMarker != null) {
                // its crash is now carried by this database's marker
                Files.deleteIfExists(legacyMarker);
            }
            ConcurrentMap<Long, StoredSeq> rooms = new ConcurrentHashMap<>();
            ChatLogMetrics metrics = new ChatLogMetrics(registry);
            ChatLogWriter writer = new ChatLogWriter(settings, sink, spill, rooms::get, metrics);
            metrics.bindGauges(writer::queued, spill::pendingBytes);
            writer.start();
            ok = true;
            return new BatchedChatLog(writer, metrics, settings.sync(), crashSkip, marker, spill, rooms);
        } finally {
            if (!ok) {
                spill.close();
            }
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public boolean sync() {
        return sync;
    }

    @Override
    public long continueSeq(long maxStored) {
        return maxStored + crashSkip;
    }

    @Override
    public StoredSeq openRoom(long roomId, long lastSeq) {
        StoredSeq s = new StoredSeq(lastSeq);
        rooms.put(roomId, s);
        return s;
    }

    @Override
    public void closeRoom(long roomId) {
        rooms.remove(roomId);
    }

    @Override
    public boolean append(StoredSeq room, ChatNotify message, Runnable onStored) {
        if (writer.offer(new ChatLogWriter.Entry(message, room, onStored))) {
            return true;
        }
        metrics.refused.increment();
        return false;
    }

    /** Also marks the run as cleanly ended, unless something could be neither stored nor spilled. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
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

    static String markerName(String databaseId) {
        return databaseId == null ? MARKER : "chatlog-" + databaseId + ".running";
    }

    static String spillName(String databaseId) {
        return databaseId == null ? SPILL : "chatlog-" + databaseId + ".spill";
    }

    /** Replays an earlier version's unkeyed spill file, older than anything keyed, then removes it. */
    private static void adoptLegacySpill(Path path, MessageSink sink) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (SpillFile legacy = SpillFile.open(path)) {
            replayAtStart(legacy, sink);
        }
        Files.delete(path);
    }

    private static void replayAtStart(SpillFile spill, MessageSink sink) throws IOException {
        if (!spill.hasPending()) {
            return;
        }
        long n = 0;
        while (true) {
            SpillFile.Chunk chunk = spill.read(ChatLogWriter.MAX_REPLAY);
            if (chunk.messages().isEmpty()) {
                break;
            }
            try {
                sink.insert(chunk.messages());
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("cannot replay the chat log spill file " + spill.path()
                        + " into the database (it is kept): " + e.getMessage(), e);
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
            return UNREADABLE_MARKER_SKIP;
        }
    }
}
