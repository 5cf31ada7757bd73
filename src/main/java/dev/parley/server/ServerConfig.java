package dev.parley.server;

import dev.parley.account.PasswordHasher;
import dev.parley.content.BlockedWords;
import dev.parley.content.Names;
import dev.parley.history.HistoryService;
import dev.parley.protocol.Frames;
import dev.parley.session.SessionPolicies.DuplicateLogin;
import dev.parley.socket.Transport;
import dev.parley.store.Database;
import dev.parley.store.DatabaseBreaker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a server instance is started with: immutable, grouped by concern, and checked
 * where it is built, so a {@code ServerConfig} that exists is a valid one. Each group owns the
 * {@code DEFAULT_*} constants of its settings; the {@code server} command takes its defaults and
 * help text from them. An error names the setting by its key, the word used both as the
 * {@code server} option (without dashes) and as the {@code --config} properties key.
 * Built with {@link #builder()}; immutable values are safe to share between threads.
 *
 * @param statsInterval how often the stats line is logged; zero = never
 * @param drain         how long a shutdown keeps serving the connected clients after telling them it
 *                      is going away (docs: README, Operations); zero = close them at once
 */
public record ServerConfig(Network network, Connections connections, Rooms rooms, Accounts accounts,
                           Storage storage, Blocking blocking, ChatLogSettings chatLog, History history,
                           Admin admin, Duration statsInterval, Logins logins, DbBreaker dbBreaker,
                           Duration drain, Tls tls, Identity identity,
                           WebSocket webSocket, Api api, Content content, Moderation moderation, Cluster cluster) {

    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(10);
    /** Long enough for a load balancer to see the server not ready and for clients to hear of it. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(5);
    /** A drain longer than this is a typo: supervisors kill a process that takes so long to stop. */
    public static final Duration MAX_DRAIN = Duration.ofMinutes(10);
    /** What a chat frame needs beside the text: header and the other fields. */
    static final int CHAT_FRAME_OVERHEAD = 64;

    public ServerConfig {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(rooms, "rooms");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(chatLog, "chatLog");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(dbBreaker, "dbBreaker");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(webSocket, "webSocket");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(moderation, "moderation");
        Objects.requireNonNull(cluster, "cluster");
        require(!cluster.enabled() || storage.external() && storage.dbUrl().startsWith("jdbc:postgresql:"),
                "cluster-redis needs a shared database: give --db-url jdbc:postgresql://... (the embedded H2 "
                        + "database belongs to one node)");
        require(!cluster.enabled() || connections.duplicateLogin() == DuplicateLogin.REPLACE,
                "cluster-redis supports duplicate-login replace only (a login on another node takes the session over)");
        require(statsInterval != null && !statsInterval.isNegative(), "stats-interval must not be negative");
        require(drain != null && !drain.isNegative() && drain.compareTo(MAX_DRAIN) <= 0,
                "drain must be within 0.." + MAX_DRAIN.toMinutes() + "m");
        require(rooms.maxChatBytes() + CHAT_FRAME_OVERHEAD <= connections.maxFrameBytes(),
                "max-frame must leave room for a chat of max-chat-bytes (" + rooms.maxChatBytes() + ") plus "
                        + CHAT_FRAME_OVERHEAD + " bytes of header and fields");
    }

    /** The documented defaults everywhere. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The client listener.
     *
     * @param host      address to listen on
     * @param port      TCP port; 0 = any free port
     * @param transport null = the best available: epoll, then io_uring, then NIO ({@link Transport#pick})
     * @param ioThreads event loop threads; 0 = one per core
     */
    public record Network(String host, int port, Transport transport, int ioThreads) {
        public static final String DEFAULT_HOST = "0.0.0.0";
        public static final int DEFAULT_PORT = 7777;
        public static final int DEFAULT_IO_THREADS = 0;

        public Network {
            Objects.requireNonNull(host, "host");
            require(port >= 0 && port <= 65535, "port must be within 0..65535");
            require(ioThreads >= 0, "io-threads must be 0 (one per core) or positive");
        }

        public int effectiveIoThreads() {
            return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * What one client connection may do, and how many there may be (docs/RELIABILITY.md).
     *
     * @param maxFrameBytes     largest frame a client may send, header included
     * @param rateLimit         requests a connection may send per second (token bucket, burst twice that); 0 = unlimited
     * @param abuseGrace        how long a connection may keep sending over its rate before it is closed
     * @param slowReaderBytes   bytes queued for a client above which it counts as not keeping up (the high
     *                          water mark); its input is not read while it is above
     * @param slowReaderGrace   how long a client may stay above {@code slowReaderBytes} before it is disconnected
     * @param maxPendingBytes   unsent bytes past which a client is disconnected at once
     * @param loginTimeout      how long a new connection has to log in
     * @param idleTimeout       how long a logged-in connection may send nothing, not even a ping
     * @param duplicateLogin    what a login for a name online on another connection does
     * @param maxConnections    open client connections at most; 0 = the process file limit less
     *                          {@link #FILE_HEADROOM} (kept for the database, the admin port and logs)
     * @param maxPerAddress     open connections from one address at most; 0 = no limit
     * @param sendBuffer        the kernel send buffer of each client socket (SO_SNDBUF) in bytes; 0 = the
     *                          kernel's autotuning. Bytes a client has not read wait there before they count
     *                          toward {@code slowReaderBytes}: with autotuning up to {@code net.ipv4.tcp_wmem}'s
     *                          maximum (4 MiB on Linux by default) per client
     */
    public record Connections(int maxFrameBytes, int rateLimit, Duration abuseGrace, int slowReaderBytes,
                              Duration slowReaderGrace, long maxPendingBytes, Duration loginTimeout,
                              Duration idleTimeout, DuplicateLogin duplicateLogin, int maxConnections,
                              int maxPerAddress, int sendBuffer) {
        public static final int DEFAULT_MAX_FRAME_BYTES = Frames.DEFAULT_MAX_CLIENT_FRAME;
        public static final int DEFAULT_RATE_LIMIT = 100;
        public static final Duration DEFAULT_ABUSE_GRACE = Duration.ofSeconds(10);
        public static final int DEFAULT_SLOW_READER_BYTES = 1 << 20;
        public static final Duration DEFAULT_SLOW_READER_GRACE = Duration.ofSeconds(5);
        public static final long DEFAULT_MAX_PENDING_BYTES = 4L << 20;
        public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(45);
        public static final DuplicateLogin DEFAULT_DUPLICATE_LOGIN = DuplicateLogin.REPLACE;
        public static final int DEFAULT_MAX_CONNECTIONS = 0;
        public static final int DEFAULT_MAX_PER_ADDRESS = 0;
        public static final int DEFAULT_SEND_BUFFER = 0;
        /** Below this the kernel's own minimum applies and writes turn into many small segments. */
        public static final int MIN_SEND_BUFFER = 4096;
        public static final int MIN_SLOW_READER_BYTES = 64 * 1024;
        /** File descriptors kept free below the process limit when max-connections is 0. */
        public static final int FILE_HEADROOM = 512;

        public Connections {
            require(maxFrameBytes >= 64 && maxFrameBytes <= Frames.MAX_FRAME_LENGTH,
                    "max-frame must be within 64.." + Frames.MAX_FRAME_LENGTH);
            require(rateLimit >= 0, "rate-limit must be 0 (off) or positive");
            require(abuseGrace != null && abuseGrace.toMillis() >= 1, "abuse-grace must be at least 1ms");
            require(slowReaderBytes >= MIN_SLOW_READER_BYTES, "slow-reader-bytes must be at least " + MIN_SLOW_READER_BYTES);
            require(slowReaderGrace != null && slowReaderGrace.toMillis() >= 1, "slow-reader-grace must be at least 1ms");
            require(maxPendingBytes >= slowReaderBytes, "max-pending-bytes must be at least slow-reader-bytes ("
                    + slowReaderBytes + ")");
            require(loginTimeout != null && loginTimeout.toMillis() >= 100, "login-timeout must be at least 100ms");
            require(idleTimeout != null && idleTimeout.toSeconds() >= 3, "idle-timeout must be at least 3s");
            Objects.requireNonNull(duplicateLogin, "duplicate-login");
            require(maxConnections >= 0, "max-connections must be 0 (from the file limit) or positive");
            require(maxPerAddress >= 0, "max-connections-per-address must be 0 (no limit) or positive");
            require(sendBuffer == 0 || sendBuffer >= MIN_SEND_BUFFER,
                    "send-buffer must be 0 (the kernel's autotuning) or at least " + MIN_SEND_BUFFER);
        }

        /**
         * {@link #maxConnections}, or with 0 the process file limit less {@link #FILE_HEADROOM}.
         * A cap that leaves less than the headroom is refused: at the file limit itself the admin
         * port and the database cannot open anything either (measured in docs/RELIABILITY.md).
         */
        public int effectiveMaxConnections() {
            long files = fileLimit();
            if (maxConnections == 0) {
                return files <= 0 ? 10_000 : (int) Math.max(16, Math.min(Integer.MAX_VALUE, files - FILE_HEADROOM));
            }
            require(files <= 0 || maxConnections <= files - FILE_HEADROOM, "max-connections (" + maxConnections
                    + ") must leave " + FILE_HEADROOM + " of the process file limit (" + files
                    + ") free; raise the limit (ulimit -n, LimitNOFILE) or lower max-connections");
            return maxConnections;
        }

        /** The process's open-file limit, or 0 when the platform does not say. */
        static long fileLimit() {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : 0;
        }
    }

    /**
     * Rooms and what may be said in them.
     *
     * @param roomMaxMembers members per room when a create asks for 0, and the most it may ask for
     * @param maxRooms       rooms that may exist at once; creating more gets SERVER_BUSY
     * @param maxChatBytes   largest chat text in UTF-8 bytes
     * @param permanentRooms rooms created at start that stay when empty and continue their seq across restarts
     * @param maxRoomsPerPlayer rooms one player may be in at once; a create or join past it gets TOO_MANY_ROOMS
     * @param dedupWindow    how long a room remembers a player's client_msg_ids, so a resend is answered with
     *                       the original instead of being said again; zero turns it off
     * @param editWindow     how long after sending it a player may edit a message (EditMessageRequest)
     */
    public record Rooms(int roomMaxMembers, int maxRooms, int maxChatBytes, List<String> permanentRooms,
                        int maxRoomsPerPlayer, Duration dedupWindow, Duration editWindow) {
        public static final int DEFAULT_ROOM_MAX_MEMBERS = 1000;
        public static final int DEFAULT_MAX_ROOMS = 10_000;
        public static final int DEFAULT_MAX_CHAT_BYTES = 4096;
        public static final int MAX_CHAT_BYTES_LIMIT = 16_384;
        public static final int DEFAULT_MAX_ROOMS_PER_PLAYER = 10;
        /** A player's rooms are scanned in order on every request; keep that short. */
        public static final int MAX_ROOMS_PER_PLAYER_LIMIT = 100;
        public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);
        public static final Duration DEFAULT_EDIT_WINDOW = Duration.ofMinutes(15);

        public Rooms {
            require(roomMaxMembers >= 2, "room-max-members must be at least 2");
            require(maxRooms >= 1, "max-rooms must be positive");
            require(maxRoomsPerPlayer >= 1 && maxRoomsPerPlayer <= MAX_ROOMS_PER_PLAYER_LIMIT,
                    "max-rooms-per-player must be within 1.." + MAX_ROOMS_PER_PLAYER_LIMIT);
            require(dedupWindow != null && !dedupWindow.isNegative(), "dedup-window must not be negative (0 = off)");
            require(editWindow != null && !editWindow.isNegative(), "edit-window must not be negative (0 = no edits)");
            require(maxChatBytes >= 1 && maxChatBytes <= MAX_CHAT_BYTES_LIMIT,
                    "max-chat-bytes must be within 1.." + MAX_CHAT_BYTES_LIMIT);
            permanentRooms = List.copyOf(permanentRooms);
            require(permanentRooms.size() <= maxRooms, "permanent-rooms names more rooms than max-rooms allows");
            Set<String> seen = new HashSet<>();
            for (String room : permanentRooms) {
                String reason = Names.checkRoomName(room);
                require(reason == null, "permanent-rooms: '" + room + "': " + reason);
                require(seen.add(room.toLowerCase(Locale.ROOT)), "permanent-rooms names '" + room + "' twice");
            }
        }
    }

    /**
     * Logins and new accounts.
     *
     * @param autoRegister       create an account on first login with a new name
     * @param passwordIterations PBKDF2 iterations for new password hashes
     */
    public record Accounts(boolean autoRegister, int passwordIterations) {
        public static final boolean DEFAULT_AUTO_REGISTER = true;
        public static final int DEFAULT_PASSWORD_ITERATIONS = PasswordHasher.DEFAULT_ITERATIONS;

        public Accounts {
            require(passwordIterations >= 1, "password-iterations must be positive");
        }
    }

    /**
     * The database.
     *
     * @param dataDir    where the embedded database and the chat log's spill file live
     * @param dbUrl      JDBC URL; null = embedded H2 under {@code dataDir}
     * @param dbUser     null = none
     * @param dbPassword null = none
     * @param dbPoolSize database connections
     */
    public record Storage(Path dataDir, String dbUrl, String dbUser, String dbPassword, int dbPoolSize) {
        public static final Path DEFAULT_DATA_DIR = Path.of("data");
        public static final int DEFAULT_DB_POOL_SIZE = 8;

        public Storage {
            Objects.requireNonNull(dataDir, "data-dir");
            require(dbPoolSize >= 1, "db-pool-size must be positive");
        }

        /** False when the database is the embedded one under {@link #dataDir}. */
        public boolean external() {
            return dbUrl != null;
        }
    }

    /**
     * Threads for blocking database work (history reads, room-id blocks); logins and their
     * password hashing have their own threads and queue ({@link Logins#hashQueue()}).
     *
     * @param threads    0 = one per core, at least 2
     * @param loginQueue tasks waiting for a blocking thread before new ones get SERVER_BUSY (the name is historical)
     */
    public record Blocking(int threads, int loginQueue) {
        public static final int DEFAULT_THREADS = 0;
        public static final int DEFAULT_LOGIN_QUEUE = 20_000;

        public Blocking {
            require(threads >= 0, "blocking-threads must be 0 (one per core, at least 2) or positive");
            require(loginQueue >= 1, "login-queue must be positive");
        }

        public int effectiveThreads() {
            return threads > 0 ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * The chat log: every accepted chat message stored in the database.
     *
     * @param enabled       off: rooms keep only their last join-history messages in memory
     * @param flushInterval how often a batch is written; a crash loses at most this much chat
     * @param sync          stored before delivered: a chat message is broadcast only once the database has it
     * @param queue         chat messages that may wait for the database before new chat is refused
     */
    public record ChatLogSettings(boolean enabled, Duration flushInterval, boolean sync, int queue) {
        public static final boolean DEFAULT_ENABLED = true;
        public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(20);
        public static final boolean DEFAULT_SYNC = false;
        public static final int DEFAULT_QUEUE = 100_000;
        public static final int MIN_QUEUE = 1000;

        public ChatLogSettings {
            require(flushInterval != null && flushInterval.toMillis() >= 1 && flushInterval.toSeconds() <= 60,
                    "log-flush-interval must be within 1ms..60s");
            require(queue >= MIN_QUEUE, "log-queue must be at least " + MIN_QUEUE);
        }
    }

    /**
     * Message history.
     *
     * @param joinHistory recent messages in a JoinRoomResponse, and the most a resume gets there
     * @param historyMax  most messages one HistoryRequest returns
     */
    public record History(int joinHistory, int historyMax) {
        public static final int DEFAULT_JOIN_HISTORY = HistoryService.DEFAULT_JOIN_HISTORY;
        public static final int DEFAULT_HISTORY_MAX = HistoryService.DEFAULT_HISTORY_MAX;
        public static final int HISTORY_MAX_LIMIT = 1000;

        public History {
            require(historyMax >= 1 && historyMax <= HISTORY_MAX_LIMIT, "history-max must be within 1.." + HISTORY_MAX_LIMIT);
            require(joinHistory >= 0 && joinHistory <= historyMax,
                    "join-history must be within 0..history-max (" + historyMax + ")");
        }
    }

    /**
     * The WebSocket listener (docs/protocol.md, WebSocket): {@code /ws} with the subprotocols
     * {@code parley.v1} and {@code parley.v1.json}, and the browser page at {@code /}.
     *
     * @param host           address to listen on; the builder's default is the client listener's host
     * @param port           0 = any free port, {@link #NONE} = no WebSocket listener
     * @param allowedOrigins the pages (origins) of other sites that may open a WebSocket, or {@code *};
     *                       a page of this host and non-browser clients (no Origin) always may
     */
    public record WebSocket(String host, int port, List<String> allowedOrigins) {
        public static final int NONE = -1;
        public static final int DEFAULT_PORT = 7780;

        public WebSocket {
            Objects.requireNonNull(host, "ws-host");
            require(port >= NONE && port <= 65535, "ws-port must be within 0..65535, or -1 for none");
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedOrigins.forEach(dev.parley.websocket.OriginPolicy::check);
        }

        public boolean enabled() {
            return port != NONE;
        }
    }

    /**
     * The admin HTTP port (/metrics, /health).
     *
     * @param host loopback by default
     * @param port 0 = any free port, {@link #NONE} = no admin port
     */
    public record Admin(String host, int port) {
        public static final int NONE = -1;
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 9777;

        public Admin {
            Objects.requireNonNull(host, "admin-host");
            require(port >= NONE && port <= 65535, "admin-port must be within 0..65535, or -1 for none");
        }

        public boolean enabled() {
            return port != NONE;
        }
    }

    /**
     * Login abuse defences: failed logins throttled per name and per address, with a lockout
     * that doubles per repeat; logins being checked per address; registrations per address;
     * the queue of logins waiting for password hashing.
     *
     * @param failuresPerName           failed logins on one name within {@code failureWindow} before it is locked
     *                                  (addresses that logged in as it before are exempt); 0 = off
     * @param failuresPerAddress        failed logins from one address within {@code failureWindow} before it is
     *                                  locked; 0 = off
     * @param failureWindow             the window the failures are counted in
     * @param lockout                   the first lockout; each further one of the same name or address doubles it
     * @param lockoutMax                the longest lockout
     * @param inFlightPerAddress        logins from one address being checked at once; 0 = unlimited
     * @param registrationsPerAddressPerHour new accounts one address may create per hour; 0 = unlimited
     * @param hashQueue                 logins waiting for a hashing thread before new ones get SERVER_BUSY
     */
    public record Logins(int failuresPerName, int failuresPerAddress, Duration failureWindow, Duration lockout,
                         Duration lockoutMax, int inFlightPerAddress, int registrationsPerAddressPerHour,
                         int hashQueue) {
        /** A player mistyping a few times is not locked; a guesser gets 5 tries per name. */
        public static final int DEFAULT_FAILURES_PER_NAME = 5;
        /**
         * Twice the per-name count: several players may share an address (NAT), yet a guessing
         * address gets few PBKDF2 checks before it is locked.
         */
        public static final int DEFAULT_FAILURES_PER_ADDRESS = 10;
        public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofMinutes(5);
        public static final Duration DEFAULT_LOCKOUT = Duration.ofSeconds(30);
        public static final Duration DEFAULT_LOCKOUT_MAX = Duration.ofMinutes(15);
        /**
         * One PBKDF2 check per address at a time: one address can never hold more than one
         * hashing thread, so players elsewhere get the others (players behind one NAT address
         * logging in within the same fraction of a second get "retry in 1 s").
         */
        public static final int DEFAULT_IN_FLIGHT_PER_ADDRESS = 1;
        public static final int DEFAULT_REGISTRATIONS_PER_ADDRESS_PER_HOUR = 20;
        /** About 15 s of PBKDF2 at the default cost on 2 cores: longer waits are worse than a quick SERVER_BUSY. */
        public static final int DEFAULT_HASH_QUEUE = 64;

        public Logins {
            require(failuresPerName >= 0, "login-failures-per-name must be 0 (off) or positive");
            require(failuresPerAddress >= 0, "login-failures-per-address must be 0 (off) or positive");
            require(failureWindow != null && failureWindow.toMillis() >= 1, "login-failure-window must be at least 1ms");
            require(lockout != null && lockout.toMillis() >= 1, "login-lockout must be at least 1ms");
            require(lockoutMax != null && lockoutMax.compareTo(lockout) >= 0,
                    "login-lockout-max must be at least login-lockout (" + lockout + ")");
            require(inFlightPerAddress >= 0, "logins-in-flight-per-address must be 0 (unlimited) or positive");
            require(registrationsPerAddressPerHour >= 0,
                    "registrations-per-address-per-hour must be 0 (unlimited) or positive");
            require(hashQueue >= 1, "hash-queue must be positive");
        }
    }

    /**
     * The database breaker of the login and history paths.
     *
     * @param loginTimeout how long a login or history read waits for a database connection
     * @param open         how long logins and history reads get SERVER_BUSY at once after the database
     *                     failed, before trying it again
     */
    public record DbBreaker(Duration loginTimeout, Duration open) {
        public static final Duration DEFAULT_LOGIN_TIMEOUT = Database.DEFAULT_INTERACTIVE_TIMEOUT;
        public static final Duration DEFAULT_OPEN = DatabaseBreaker.DEFAULT_OPEN_FOR;
        /** HikariCP's floor for a connection timeout. */
        public static final Duration MIN_LOGIN_TIMEOUT = Duration.ofMillis(250);

        public DbBreaker {
            require(loginTimeout != null && loginTimeout.compareTo(MIN_LOGIN_TIMEOUT) >= 0,
                    "db-login-timeout must be at least " + MIN_LOGIN_TIMEOUT.toMillis() + "ms");
            require(open != null && open.toMillis() >= 1, "db-breaker-open must be at least 1ms");
        }
    }

    /**
     * The server API on the admin port ({@code /api/v1/...}, docs/api.md).
     *
     * @param keyFile the API keys, one per line (several, to rotate them); null = the API is off
     */
    public record Api(Path keyFile) {
        public static final Path DEFAULT_KEY_FILE = null;

        public boolean enabled() {
            return keyFile != null;
        }
    }

    /**
     * Cluster mode (docs/SCALING.md): several nodes share rooms, presence and each room's numbering
     * through Redis.
     *
     * @param redisUri {@code redis://host:port} of the shared Redis; null = single node (the default)
     * @param nodeId   this node's name in the cluster, unique among the running nodes; null = generated
     */
    public record Cluster(String redisUri, String nodeId) {
        public static final String DEFAULT_REDIS_URI = null;

        public Cluster {
            if (redisUri != null && !redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
                throw new IllegalArgumentException("cluster-redis must be a redis:// or rediss:// URI, e.g. redis://127.0.0.1:6379");
            }
            if (nodeId != null && !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("node-id must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
        }

        public boolean enabled() {
            return redisUri != null;
        }
    }

    /**
     * TLS on the client port, the WebSocket listener and the admin port (README, TLS).
     *
     * @param cert           PEM certificate chain, leaf first; null = none
     * @param key            PEM private key of {@code cert} (PKCS#8, or PKCS#1 "RSA PRIVATE KEY"); null = none
     * @param selfSigned     generate (once, kept under the data directory) a certificate for development
     * @param reloadInterval how often the certificate files are checked for changes; zero = never
     */
    public record Tls(Path cert, Path key, boolean selfSigned, Duration reloadInterval) {
        public static final boolean DEFAULT_SELF_SIGNED = false;
        public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

        public Tls {
            require((cert == null) == (key == null), "tls-cert and tls-key must be given together");
            require(!(selfSigned && cert != null), "tls-self-signed and tls-cert/tls-key exclude each other");
            require(reloadInterval != null && !reloadInterval.isNegative()
                            && (reloadInterval.isZero() || reloadInterval.toMillis() >= 100),
                    "tls-reload-interval must be 0 (never) or at least 100ms");
        }

        /** Whether the listeners speak TLS. */
        public boolean enabled() {
            return cert != null || selfSigned;
        }
    }

    /**
     * Content rules beyond the protocol's: the blocked-words list.
     *
     * @param blockedWordsFile one word per line (see content.BlockedWords); null = no list
     * @param blockedWordsMode what chat with a blocked word becomes
     */
    public record Content(Path blockedWordsFile, BlockedWords.Mode blockedWordsMode) {
        public static final BlockedWords.Mode DEFAULT_BLOCKED_WORDS_MODE = BlockedWords.DEFAULT_MODE;

        public Content {
            Objects.requireNonNull(blockedWordsMode, "blocked-words-mode");
        }
    }

    /**
     * Who moderates besides the token roles (docs/protocol.md, "Moderation").
     *
     * @param admins           names of password accounts that have the admin role
     * @param creatorModerates whether the creator of an ad-hoc room may kick players from it
     */
    public record Moderation(List<String> admins, boolean creatorModerates) {
        public static final boolean DEFAULT_CREATOR_MODERATES = true;

        public Moderation {
            admins = List.copyOf(admins);
            for (String name : admins) {
                String problem = Names.checkPlayerName(name);
                require(problem == null, "admins: " + problem);
            }
        }
    }

    /**
     * Who may log in how: the game backend's tokens, passwords, and the server's session tokens
     * (docs/protocol.md, "Token login"). The files are read when the server starts.
     *
     * @param tokenHmacSecretFile the backend's HS256 secret (its text, at least 32 bytes); null = no HS256 tokens
     * @param tokenJwksFile       a JWKS of the backend's RS256 / ES256 public keys; null = none
     * @param tokenIssuer         the {@code iss} backend tokens must carry; null = any
     * @param tokenAudience       the {@code aud} backend tokens must include; null = any
     * @param passwordLogin       whether names and passwords log in
     * @param sessionTtl          how long a session token logs its player in again
     * @param sessionKeyFile      the key that signs session tokens; null = the one the database keeps
     */
    public record Identity(Path tokenHmacSecretFile, Path tokenJwksFile, String tokenIssuer, String tokenAudience,
                           boolean passwordLogin, Duration sessionTtl, Path sessionKeyFile) {
        public static final boolean DEFAULT_PASSWORD_LOGIN = true;
        public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(24);
        public static final Duration MIN_SESSION_TTL = Duration.ofMinutes(1);

        public Identity {
            require(sessionTtl != null && sessionTtl.compareTo(MIN_SESSION_TTL) >= 0, "session-ttl must be at least 1m");
            boolean tokens = tokenHmacSecretFile != null || tokenJwksFile != null; // fields are not set yet here
            require(passwordLogin || tokens, "password-login off needs token-hmac-secret-file or"
                    + " token-jwks-file: otherwise nobody could log in");
            require(tokens || (tokenIssuer == null && tokenAudience == null),
                    "token-issuer and token-audience need token-hmac-secret-file or token-jwks-file");
        }

        /** Whether backend tokens log in. */
        public boolean tokenLogin() {
            return tokenHmacSecretFile != null || tokenJwksFile != null;
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Collects settings one by one, starting from the defaults; {@link #build()} groups and
     * checks them. Not thread-safe; for the command line and tests.
     */
    public static final class Builder {
        private String host = Network.DEFAULT_HOST;
        private int port = Network.DEFAULT_PORT;
        private Transport transport;
        private int ioThreads = Network.DEFAULT_IO_THREADS;
        private int maxFrameBytes = Connections.DEFAULT_MAX_FRAME_BYTES;
        private int rateLimit = Connections.DEFAULT_RATE_LIMIT;
        private Duration abuseGrace = Connections.DEFAULT_ABUSE_GRACE;
        private int slowReaderBytes = Connections.DEFAULT_SLOW_READER_BYTES;
        private Duration slowReaderGrace = Connections.DEFAULT_SLOW_READER_GRACE;
        private long maxPendingBytes = Connections.DEFAULT_MAX_PENDING_BYTES;
        private Duration loginTimeout = Connections.DEFAULT_LOGIN_TIMEOUT;
        private Duration idleTimeout = Connections.DEFAULT_IDLE_TIMEOUT;
        private DuplicateLogin duplicateLogin = Connections.DEFAULT_DUPLICATE_LOGIN;
        private int maxConnections = Connections.DEFAULT_MAX_CONNECTIONS;
        private int maxPerAddress = Connections.DEFAULT_MAX_PER_ADDRESS;
        private int sendBuffer = Connections.DEFAULT_SEND_BUFFER;
        private int roomMaxMembers = Rooms.DEFAULT_ROOM_MAX_MEMBERS;
        private int maxRooms = Rooms.DEFAULT_MAX_ROOMS;
        private int maxChatBytes = Rooms.DEFAULT_MAX_CHAT_BYTES;
        private List<String> permanentRooms = List.of();
        private int maxRoomsPerPlayer = Rooms.DEFAULT_MAX_ROOMS_PER_PLAYER;
        private Duration dedupWindow = Rooms.DEFAULT_DEDUP_WINDOW;
        private Duration editWindow = Rooms.DEFAULT_EDIT_WINDOW;
        private boolean autoRegister = Accounts.DEFAULT_AUTO_REGISTER;
        private int passwordIterations = Accounts.DEFAULT_PASSWORD_ITERATIONS;
        private Path dataDir = Storage.DEFAULT_DATA_DIR;
        private String dbUrl;
        private String dbUser;
        private String dbPassword;
        private int dbPoolSize = Storage.DEFAULT_DB_POOL_SIZE;
        private int blockingThreads = Blocking.DEFAULT_THREADS;
        private int loginQueue = Blocking.DEFAULT_LOGIN_QUEUE;
        private boolean chatLog = ChatLogSettings.DEFAULT_ENABLED;
        private Duration logFlushInterval = ChatLogSettings.DEFAULT_FLUSH_INTERVAL;
        private boolean logSync = ChatLogSettings.DEFAULT_SYNC;
        private int logQueue = ChatLogSettings.DEFAULT_QUEUE;
        private int joinHistory = History.DEFAULT_JOIN_HISTORY;
        private int historyMax = History.DEFAULT_HISTORY_MAX;
        private String adminHost = Admin.DEFAULT_HOST;
        private int adminPort = Admin.DEFAULT_PORT;
        private Duration statsInterval = DEFAULT_STATS_INTERVAL;
        private int loginFailuresPerName = Logins.DEFAULT_FAILURES_PER_NAME;
        private int loginFailuresPerAddress = Logins.DEFAULT_FAILURES_PER_ADDRESS;
        private Duration loginFailureWindow = Logins.DEFAULT_FAILURE_WINDOW;
        private Duration loginLockout = Logins.DEFAULT_LOCKOUT;
        private Duration loginLockoutMax = Logins.DEFAULT_LOCKOUT_MAX;
        private int loginsInFlightPerAddress = Logins.DEFAULT_IN_FLIGHT_PER_ADDRESS;
        private int registrationsPerAddressPerHour = Logins.DEFAULT_REGISTRATIONS_PER_ADDRESS_PER_HOUR;
        private int hashQueue = Logins.DEFAULT_HASH_QUEUE;
        private Duration dbLoginTimeout = DbBreaker.DEFAULT_LOGIN_TIMEOUT;
        private Duration dbBreakerOpen = DbBreaker.DEFAULT_OPEN;
        private Path apiKeyFile = Api.DEFAULT_KEY_FILE;
        private Path blockedWordsFile;
        private BlockedWords.Mode blockedWordsMode = Content.DEFAULT_BLOCKED_WORDS_MODE;
        private Duration drain = DEFAULT_DRAIN;
        private Path tlsCert;
        private Path tlsKey;
        private boolean tlsSelfSigned = Tls.DEFAULT_SELF_SIGNED;
        private Duration tlsReloadInterval = Tls.DEFAULT_RELOAD_INTERVAL;
        private Path tokenHmacSecretFile;
        private Path tokenJwksFile;
        private String tokenIssuer;
        private String tokenAudience;
        private boolean passwordLogin = Identity.DEFAULT_PASSWORD_LOGIN;
        private Duration sessionTtl = Identity.DEFAULT_SESSION_TTL;
        private Path sessionKeyFile;
        /** null = the client listener's host */
        private String wsHost;
        private int wsPort = WebSocket.DEFAULT_PORT;
        private List<String> wsAllowedOrigins = List.of();
        private List<String> admins = List.of();
        private boolean creatorModerates = Moderation.DEFAULT_CREATOR_MODERATES;
        private String clusterRedis = Cluster.DEFAULT_REDIS_URI;
        private String nodeId;

        private Builder() {
        }

        private Builder(ServerConfig c) {
            network(c.network).connections(c.connections).rooms(c.rooms).accounts(c.accounts).storage(c.storage)
                    .blocking(c.blocking).chatLog(c.chatLog).history(c.history).admin(c.admin)
                    .statsInterval(c.statsInterval).logins(c.logins).dbBreaker(c.dbBreaker).drain(c.drain).tls(c.tls).identity(c.identity)
                    .webSocket(c.webSocket)
                    .api(c.api).content(c.content).moderation(c.moderation).cluster(c.cluster);
        }

        public ServerConfig build() {
            return new ServerConfig(
                    new Network(host, port, transport, ioThreads),
                    new Connections(maxFrameBytes, rateLimit, abuseGrace, slowReaderBytes, slowReaderGrace,
                            maxPendingBytes, loginTimeout, idleTimeout, duplicateLogin, maxConnections, maxPerAddress,
                            sendBuffer),
                    new Rooms(roomMaxMembers, maxRooms, maxChatBytes, permanentRooms, maxRoomsPerPlayer, dedupWindow,
                            editWindow),
                    new Accounts(autoRegister, passwordIterations),
                    new Storage(dataDir, dbUrl, dbUser, dbPassword, dbPoolSize),
                    new Blocking(blockingThreads, loginQueue),
                    new ChatLogSettings(chatLog, logFlushInterval, logSync, logQueue),
                    new History(joinHistory, historyMax),
                    new Admin(adminHost, adminPort),
                    statsInterval,
                    new Logins(loginFailuresPerName, loginFailuresPerAddress, loginFailureWindow, loginLockout,
                            loginLockoutMax, loginsInFlightPerAddress, registrationsPerAddressPerHour, hashQueue),
                    new DbBreaker(dbLoginTimeout, dbBreakerOpen),
                    drain,
                    new Tls(tlsCert, tlsKey, tlsSelfSigned, tlsReloadInterval),
                    new Identity(tokenHmacSecretFile, tokenJwksFile, tokenIssuer, tokenAudience, passwordLogin,
                            sessionTtl, sessionKeyFile),
                    new WebSocket(wsHost == null ? host : wsHost, wsPort, wsAllowedOrigins),
                    new Api(apiKeyFile),
                    new Content(blockedWordsFile, blockedWordsMode),
                    new Moderation(admins, creatorModerates),
                    new Cluster(clusterRedis, nodeId));

        }

        public Builder tls(Tls t) {
            return tlsCert(t.cert()).tlsKey(t.key()).tlsSelfSigned(t.selfSigned()).tlsReloadInterval(t.reloadInterval());
        }

        public Builder tlsCert(Path v) {
            tlsCert = v;
            return this;
        }

        public Builder tlsKey(Path v) {
            tlsKey = v;
            return this;
        }

        public Builder tlsSelfSigned(boolean v) {
            tlsSelfSigned = v;
            return this;
        }

        public Builder tlsReloadInterval(Duration v) {
            tlsReloadInterval = v;
            return this;
        }

        public Builder identity(Identity i) {
            return tokenHmacSecretFile(i.tokenHmacSecretFile()).tokenJwksFile(i.tokenJwksFile())
                    .tokenIssuer(i.tokenIssuer()).tokenAudience(i.tokenAudience()).passwordLogin(i.passwordLogin())
                    .sessionTtl(i.sessionTtl()).sessionKeyFile(i.sessionKeyFile());
        }

        public Builder tokenHmacSecretFile(Path v) {
            tokenHmacSecretFile = v;
            return this;
        }

        public Builder tokenJwksFile(Path v) {
            tokenJwksFile = v;
            return this;
        }

        public Builder tokenIssuer(String v) {
            tokenIssuer = v;
            return this;
        }

        public Builder tokenAudience(String v) {
            tokenAudience = v;
            return this;
        }

        public Builder passwordLogin(boolean v) {
            passwordLogin = v;
            return this;
        }

        public Builder sessionTtl(Duration v) {
            sessionTtl = v;
            return this;
        }

        public Builder sessionKeyFile(Path v) {
            sessionKeyFile = v;
            return this;
        }

        public Builder webSocket(WebSocket w) {
            return wsHost(w.host()).wsPort(w.port()).wsAllowedOrigins(w.allowedOrigins());
        }

        /** null = the client listener's host. */
        public Builder wsHost(String v) {
            wsHost = v;
            return this;
        }

        public Builder wsPort(int v) {
            wsPort = v;
            return this;
        }

        public Builder wsAllowedOrigins(List<String> v) {
            wsAllowedOrigins = v;
            return this;
        }

        public Builder api(Api a) {
            return apiKeyFile(a.keyFile());
        }

        public Builder content(Content c) {
            return blockedWordsFile(c.blockedWordsFile()).blockedWordsMode(c.blockedWordsMode());
        }

        public Builder moderation(Moderation m) {
            return admins(m.admins()).creatorModerates(m.creatorModerates());
        }

        public Builder admins(List<String> v) {
            admins = v;
            return this;
        }

        public Builder creatorModerates(boolean v) {
            creatorModerates = v;
            return this;
        }

        public Builder cluster(Cluster c) {
            return clusterRedis(c.redisUri()).nodeId(c.nodeId());
        }

        public Builder clusterRedis(String v) {
            clusterRedis = v;
            return this;
        }

        public Builder nodeId(String v) {
            nodeId = v;
            return this;
        }

        public Builder apiKeyFile(Path v) {
            apiKeyFile = v;
            return this;
        }

        public Builder blockedWordsFile(Path v) {
            blockedWordsFile = v;
            return this;
        }

        public Builder blockedWordsMode(BlockedWords.Mode v) {
            blockedWordsMode = v;
            return this;
        }

        public Builder logins(Logins l) {
            return loginFailuresPerName(l.failuresPerName()).loginFailuresPerAddress(l.failuresPerAddress())
                    .loginFailureWindow(l.failureWindow()).loginLockout(l.lockout()).loginLockoutMax(l.lockoutMax())
                    .loginsInFlightPerAddress(l.inFlightPerAddress())
                    .registrationsPerAddressPerHour(l.registrationsPerAddressPerHour()).hashQueue(l.hashQueue());
        }

        public Builder dbBreaker(DbBreaker b) {
            return dbLoginTimeout(b.loginTimeout()).dbBreakerOpen(b.open());
        }

        public Builder loginFailuresPerName(int v) {
            loginFailuresPerName = v;
            return this;
        }

        public Builder loginFailuresPerAddress(int v) {
            loginFailuresPerAddress = v;
            return this;
        }

        public Builder loginFailureWindow(Duration v) {
            loginFailureWindow = v;
            return this;
        }

        public Builder loginLockout(Duration v) {
            loginLockout = v;
            return this;
        }

        public Builder loginLockoutMax(Duration v) {
            loginLockoutMax = v;
            return this;
        }

        public Builder loginsInFlightPerAddress(int v) {
            loginsInFlightPerAddress = v;
            return this;
        }

        public Builder registrationsPerAddressPerHour(int v) {
            registrationsPerAddressPerHour = v;
            return this;
        }

        public Builder hashQueue(int v) {
            hashQueue = v;
            return this;
        }

        public Builder dbLoginTimeout(Duration v) {
            dbLoginTimeout = v;
            return this;
        }

        public Builder dbBreakerOpen(Duration v) {
            dbBreakerOpen = v;
            return this;
        }

        public Builder network(Network n) {
            return host(n.host()).port(n.port()).transport(n.transport()).ioThreads(n.ioThreads());
        }

        public Builder connections(Connections c) {
            return maxFrameBytes(c.maxFrameBytes()).rateLimit(c.rateLimit()).abuseGrace(c.abuseGrace())
                    .slowReaderBytes(c.slowReaderBytes()).slowReaderGrace(c.slowReaderGrace())
                    .maxPendingBytes(c.maxPendingBytes()).loginTimeout(c.loginTimeout()).idleTimeout(c.idleTimeout())
                    .duplicateLogin(c.duplicateLogin()).maxConnections(c.maxConnections())
                    .maxPerAddress(c.maxPerAddress()).sendBuffer(c.sendBuffer());
        }

        public Builder rooms(Rooms r) {
            return roomMaxMembers(r.roomMaxMembers()).maxRooms(r.maxRooms()).maxChatBytes(r.maxChatBytes())
                    .permanentRooms(r.permanentRooms()).maxRoomsPerPlayer(r.maxRoomsPerPlayer())
                    .dedupWindow(r.dedupWindow()).editWindow(r.editWindow());
        }

        public Builder accounts(Accounts a) {
            return autoRegister(a.autoRegister()).passwordIterations(a.passwordIterations());
        }

        public Builder storage(Storage s) {
            return dataDir(s.dataDir()).dbUrl(s.dbUrl()).dbUser(s.dbUser()).dbPassword(s.dbPassword())
                    .dbPoolSize(s.dbPoolSize());
        }

        public Builder blocking(Blocking b) {
            return blockingThreads(b.threads()).loginQueue(b.loginQueue());
        }

        public Builder chatLog(ChatLogSettings l) {
            return chatLog(l.enabled()).logFlushInterval(l.flushInterval()).logSync(l.sync()).logQueue(l.queue());
        }

        public Builder history(History h) {
            return joinHistory(h.joinHistory()).historyMax(h.historyMax());
        }

        public Builder admin(Admin a) {
            return adminHost(a.host()).adminPort(a.port());
        }

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder transport(Transport v) {
            transport = v;
            return this;
        }

        public Builder ioThreads(int v) {
            ioThreads = v;
            return this;
        }

        public Builder maxFrameBytes(int v) {
            maxFrameBytes = v;
            return this;
        }

        public Builder rateLimit(int v) {
            rateLimit = v;
            return this;
        }

        public Builder slowReaderBytes(int v) {
            slowReaderBytes = v;
            return this;
        }

        public Builder sendBuffer(int v) {
            sendBuffer = v;
            return this;
        }

        public Builder slowReaderGrace(Duration v) {
            slowReaderGrace = v;
            return this;
        }

        public Builder abuseGrace(Duration v) {
            abuseGrace = v;
            return this;
        }

        public Builder maxPendingBytes(long v) {
            maxPendingBytes = v;
            return this;
        }

        public Builder loginTimeout(Duration v) {
            loginTimeout = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder duplicateLogin(DuplicateLogin v) {
            duplicateLogin = v;
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder maxPerAddress(int v) {
            maxPerAddress = v;
            return this;
        }

        public Builder roomMaxMembers(int v) {
            roomMaxMembers = v;
            return this;
        }

        public Builder maxRooms(int v) {
            maxRooms = v;
            return this;
        }

        public Builder maxChatBytes(int v) {
            maxChatBytes = v;
            return this;
        }

        public Builder permanentRooms(List<String> v) {
            permanentRooms = List.copyOf(v);
            return this;
        }

        public Builder maxRoomsPerPlayer(int v) {
            maxRoomsPerPlayer = v;
            return this;
        }

        public Builder dedupWindow(Duration v) {
            dedupWindow = v;
            return this;
        }

        public Builder editWindow(Duration v) {
            editWindow = v;
            return this;
        }

        public Builder autoRegister(boolean v) {
            autoRegister = v;
            return this;
        }

        public Builder passwordIterations(int v) {
            passwordIterations = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder dbUrl(String v) {
            dbUrl = v;
            return this;
        }

        public Builder dbUser(String v) {
            dbUser = v;
            return this;
        }

        public Builder dbPassword(String v) {
            dbPassword = v;
            return this;
        }

        public Builder dbPoolSize(int v) {
            dbPoolSize = v;
            return this;
        }

        public Builder blockingThreads(int v) {
            blockingThreads = v;
            return this;
        }

        public Builder loginQueue(int v) {
            loginQueue = v;
            return this;
        }

        public Builder chatLog(boolean v) {
            chatLog = v;
            return this;
        }

        public Builder logFlushInterval(Duration v) {
            logFlushInterval = v;
            return this;
        }

        public Builder logSync(boolean v) {
            logSync = v;
            return this;
        }

        public Builder logQueue(int v) {
            logQueue = v;
            return this;
        }

        public Builder joinHistory(int v) {
            joinHistory = v;
            return this;
        }

        public Builder historyMax(int v) {
            historyMax = v;
            return this;
        }

        public Builder adminHost(String v) {
            adminHost = v;
            return this;
        }

        public Builder adminPort(int v) {
            adminPort = v;
            return this;
        }

        public Builder statsInterval(Duration v) {
            statsInterval = v;
            return this;
        }

        public Builder drain(Duration v) {
            drain = v;
            return this;
        }
    }
}
