package dev.parley.server;

import dev.parley.content.Names;
import dev.parley.socket.Transport;
import dev.parley.protocol.Frames;
import dev.parley.account.PasswordHasher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything a server instance is started with. Defaults are the documented ones; the
 * {@code server} command fills it from its flags and config file, tests set fields directly.
 */
public final class ServerConfig {
    public String host = "0.0.0.0";
    public int port = 7777;
    public Path dataDir = Path.of("data");
    /** null = pick the best available: io_uring, then epoll, then NIO. */
    public Transport transport;
    /** Event loop threads; 0 = one per core. */
    public int ioThreads;
    public int maxFrameBytes = Frames.DEFAULT_MAX_CLIENT_FRAME;
    public int roomMaxMembers = 1000;
    public int maxChatBytes = 4096;
    public boolean autoRegister = true;
    public int passwordIterations = PasswordHasher.DEFAULT_ITERATIONS;
    /** Requests a connection may send per second (token bucket, burst twice that); 0 = unlimited. */
    public int rateLimit = 100;
    /** Bytes queued for a client above which it counts as not keeping up (the high water mark). */
    public int slowReaderBytes = 1 << 20;
    /** How long a client may stay above {@link #slowReaderBytes} before it is disconnected. */
    public long slowReaderGraceMillis = 5_000;
    /** JDBC URL; null = embedded H2 under {@link #dataDir}. */
    public String dbUrl;
    public String dbUser;
    public String dbPassword;
    public int dbPoolSize = 8;
    /** Threads for blocking work (database, password hashing). */
    public int blockingThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Logins waiting for a blocking thread before new ones get SERVER_BUSY. */
    public int loginQueue = 20_000;
    /** Address of the admin HTTP port (/metrics, /health); loopback by default. */
    public String adminHost = "127.0.0.1";
    /** Admin HTTP port; 0 = any free port, -1 = no admin port. */
    public int adminPort = 9777;
    /** How often the stats line is logged; 0 = never. */
    public long statsIntervalMillis = 10_000;
    /** Rooms that may exist at once; creating more gets SERVER_BUSY. */
    public int maxRooms = 10_000;
    /** Store every accepted chat message in the database (--chat-log on|off). */
    public boolean chatLog = true;
    /** How often the chat log writes a batch; a crash loses at most this much chat. */
    public Duration logFlushInterval = Duration.ofMillis(20);
    /** Stored before delivered: a chat message is broadcast only once the database has it. */
    public boolean logSync;
    /** Chat messages that may wait for the database before new chat is refused. */
    public int logQueue = 100_000;
    /** Rooms created at start that stay when empty and continue their seq across restarts. */
    public List<String> permanentRooms = List.of();
    /** Recent messages in a JoinRoomResponse, and the most a resume gets there. */
    public int joinHistory = 20;
    /** Most messages one HistoryRequest returns. */
    public int historyMax = 200;

    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }

    /** Checks ranges; throws with a message naming the offending option. */
    public void validate() {
        require(port >= 0 && port <= 65535, "--port must be within 0..65535");
        require(maxFrameBytes >= 64 && maxFrameBytes <= Frames.MAX_FRAME_LENGTH,
                "--max-frame must be within 64.." + Frames.MAX_FRAME_LENGTH);
        require(roomMaxMembers >= 2, "--room-max-members must be at least 2");
        require(maxChatBytes >= 1 && maxChatBytes <= 16_384, "--max-chat-bytes must be within 1..16384");
        require(maxChatBytes + 64 <= maxFrameBytes,
                "--max-frame must leave room for a chat of --max-chat-bytes (" + maxChatBytes + ") plus 64 bytes of header and fields");
        require(passwordIterations >= 1, "--password-iterations must be positive");
        require(rateLimit >= 0, "--rate-limit must be 0 (off) or positive");
        require(slowReaderBytes >= 64 * 1024, "--slow-reader-bytes must be at least 65536");
        require(slowReaderGraceMillis >= 1, "--slow-reader-grace must be positive");
        require(ioThreads >= 0, "--io-threads must be 0 (one per core) or positive");
        require(blockingThreads >= 1, "--blocking-threads must be positive");
        require(dbPoolSize >= 1, "--db-pool-size must be positive");
        require(maxRooms >= 1, "--max-rooms must be positive");
        require(adminPort >= -1 && adminPort <= 65535, "--admin-port must be within 0..65535, or -1 for none");
        require(statsIntervalMillis >= 0, "--stats-interval must not be negative");
        require(logFlushInterval != null && logFlushInterval.toMillis() >= 1 && logFlushInterval.toSeconds() <= 60,
                "--log-flush-interval must be within 1ms..60s");
        require(logQueue >= 1000, "--log-queue must be at least 1000");
        require(historyMax >= 1 && historyMax <= 1000, "--history-max must be within 1..1000");
        require(joinHistory >= 0 && joinHistory <= historyMax, "--join-history must be within 0..--history-max (" + historyMax + ")");
        require(permanentRooms.size() <= maxRooms, "--permanent-rooms names more rooms than --max-rooms allows");
        Set<String> seen = new HashSet<>();
        for (String room : permanentRooms) {
            String reason = Names.checkRoomName(room);
            require(reason == null, "--permanent-rooms: '" + room + "': " + reason);
            require(seen.add(room.toLowerCase(Locale.ROOT)), "--permanent-rooms names '" + room + "' twice");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
