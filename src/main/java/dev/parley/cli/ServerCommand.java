package dev.parley.cli;

import dev.parley.content.BlockedWords;
import dev.parley.history.HistoryService;
import dev.parley.launch.ReadyFile;
import dev.parley.logging.LogFormat;
import dev.parley.protocol.Frames;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.session.SessionPolicies.DuplicateLogin;
import dev.parley.socket.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code parley server}: runs the chat server until SIGTERM or Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        defaultValueProvider = ServerDefaults.class,
        description = {"Runs the Parley chat server until SIGTERM or Ctrl-C, then shuts down gracefully.",
                "Any option may also be set in the environment as PARLEY_<OPTION> (upper case, dashes as "
                        + "underscores, e.g. PARLEY_ROOM_MAX_MEMBERS=500) or in a properties file given with --config "
                        + "or PARLEY_CONFIG (key = option name without dashes, e.g. room-max-members=500). Flags "
                        + "override the environment, which overrides the file, which overrides the defaults shown. "
                        + "An unknown key in the file is an error; an unknown PARLEY_ variable only a warning.",
                "With --ready-file, once the server accepts connections it writes a properties file (atomically: "
                        + "a temporary file, then a move) with pid, transport, client-port, admin-port and ws-port (each a number, "
                        + "or none), and deletes it on shutdown; launchers wait for it instead of reading the log."})
public final class ServerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with option values.")
    Path config;

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port",
            description = "TCP port for clients (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the embedded database lives (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--transport", paramLabel = "io_uring|epoll|nio", converter = TransportConverter.class,
            description = "Force a socket transport (default: epoll if the kernel allows it, else io_uring, else nio; "
                    + "epoll is the default because io_uring fell behind at 19,000 connections: see docs/PERFORMANCE.md).")
    Transport transport;

    @Option(names = "--io-threads",
            description = "Event loop threads (default: ${DEFAULT-VALUE} = one per core).")
    int ioThreads;

    @Option(names = "--max-frame", paramLabel = "BYTES",
            description = "Largest frame a client may send, header included (default: ${DEFAULT-VALUE}, at most "
                    + Frames.MAX_FRAME_LENGTH + ").")
    int maxFrame;

    @Option(names = "--max-chat-bytes", paramLabel = "BYTES",
            description = "Largest chat text in UTF-8 bytes (default: ${DEFAULT-VALUE}).")
    int maxChatBytes;

    @Option(names = "--room-max-members",
            description = "Members per room when a create asks for 0, and the most it may ask for (default: ${DEFAULT-VALUE}).")
    int roomMaxMembers;

    @Option(names = "--max-rooms", description = "Rooms that may exist at once (default: ${DEFAULT-VALUE}).")
    int maxRooms;

    @Option(names = "--max-rooms-per-player",
            description = "Rooms one player may be in at once; a create or join past it gets TOO_MANY_ROOMS (default: ${DEFAULT-VALUE}).")
    int maxRoomsPerPlayer;

    @Option(names = "--dedup-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a room remembers a player's client_msg_ids: a chat request repeating one is answered "
                    + "with the original message, not stored or sent again (default: ${DEFAULT-VALUE}; 0 = off; "
                    + "memory only, a restart forgets it).")
    Duration dedupWindow;

    @Option(names = "--edit-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long after sending a message, in a room or direct, its author may edit it "
                    + "(EditMessageRequest, console /edit and /dmedit; default: ${DEFAULT-VALUE}; 0 = no edits). "
                    + "Deletes have no window.")
    Duration editWindow;

    @Option(names = "--auto-register", negatable = true, fallbackValue = "true",
            description = "Create an account on first login with a new name (default: ${DEFAULT-VALUE}; --no-auto-register turns it off).")
    boolean autoRegister;

    @Option(names = "--password-iterations",
            description = "PBKDF2-HMAC-SHA512 iterations for new password hashes (default: ${DEFAULT-VALUE}).")
    int passwordIterations;

    @Option(names = "--rate-limit", paramLabel = "PER_SECOND",
            description = "Requests per second a connection may send, burst twice that; excess gets RATE_LIMITED (default: ${DEFAULT-VALUE}; 0 = off).")
    int rateLimit;

    @Option(names = "--slow-reader-bytes", paramLabel = "BYTES",
            description = "Unread bytes queued for one client above which it counts as not keeping up; its requests are not read while it is above (default: ${DEFAULT-VALUE}).")
    int slowReaderBytes;

    @Option(names = "--slow-reader-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a client may stay above --slow-reader-bytes before it is disconnected (default: ${DEFAULT-VALUE}).")
    Duration slowReaderGrace;

    @Option(names = "--send-buffer", paramLabel = "BYTES",
            description = "Kernel send buffer per client socket (SO_SNDBUF); 0 = the kernel's autotuning, which lets a client "
                    + "that does not read hold up to net.ipv4.tcp_wmem's maximum (4 MiB by default) before --slow-reader-bytes "
                    + "applies (default: ${DEFAULT-VALUE}).")
    int sendBuffer;

    @Option(names = "--abuse-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a connection may keep sending over --rate-limit before it is disconnected (default: ${DEFAULT-VALUE}).")
    Duration abuseGrace;

    @Option(names = "--max-pending-bytes", paramLabel = "BYTES",
            description = "Unsent bytes one client may hold; past it the connection is closed at once, whatever the grace (default: ${DEFAULT-VALUE}).")
    long maxPendingBytes;

    @Option(names = "--login-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a new connection has to log in before it gets TIMED_OUT and is closed (default: ${DEFAULT-VALUE}).")
    Duration loginTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a logged-in connection may send nothing (clients ping at least every third of it) before it is closed (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--duplicate-login", paramLabel = "replace|refuse", converter = DuplicateLoginConverter.class,
            description = "A login for a name online on another connection: replace closes the old connection with SESSION_REPLACED; refuse answers ALREADY_LOGGED_IN (default: ${DEFAULT-VALUE}).")
    DuplicateLogin duplicateLogin;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Open client connections at most; more are refused and counted (default: ${DEFAULT-VALUE} = the process file limit less "
                    + ServerConfig.Connections.FILE_HEADROOM + ").")
    int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            description = "Open client connections from one IP address at most (default: ${DEFAULT-VALUE} = no limit, since players behind one NAT share an address).")
    int maxPerAddress;

    @Option(names = "--ws-port",
            description = "WebSocket listener: /ws (subprotocols parley.v1 and parley.v1.json) and the browser page at / "
                    + "(default: ${DEFAULT-VALUE}; 0 = any free port, -1 = none).")
    int wsPort;

    @Option(names = "--ws-host", description = "Address of the WebSocket listener (default: the --host).")
    String wsHost;

    @Option(names = "--ws-allowed-origins", paramLabel = "ORIGIN", split = ",",
            description = "Pages of other sites that may open a WebSocket, e.g. https://game.example.com, or * for any "
                    + "(default: none; this host's own pages and non-browser clients, which send no Origin, always may).")
    List<String> wsAllowedOrigins;

    @Option(names = "--admin-port",
            description = "HTTP port for GET /metrics (Prometheus), /health/live, /health/ready (503 with the reasons "
                    + "when not ready) and /health (default: ${DEFAULT-VALUE}; 0 = any free port, -1 = none).")
    int adminPort;

    @Option(names = "--admin-host",
            description = "Address of the admin port (default: ${DEFAULT-VALUE}, reachable from this machine only).")
    String adminHost;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "Turns on the server API on the admin port (/api/v1/..., docs/api.md): its keys, one per "
                    + "line, sent as 'Authorization: Bearer KEY'; several lines let keys be rotated. Without it "
                    + "/api answers 404.")
    Path apiKeyFile;

    @Option(names = "--cluster-redis", paramLabel = "URI",
            description = "Cluster mode (docs/SCALING.md): share rooms, presence and each room's numbering with the "
                    + "other nodes through this Redis, e.g. redis://127.0.0.1:6379. Needs --db-url of a PostgreSQL "
                    + "database that all nodes share. Default: none (a single node).")
    String clusterRedis;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "This node's name in the cluster, unique among running nodes (default: generated at start).")
    String nodeId;

    @Option(names = "--blocked-words-file", paramLabel = "FILE",
            description = "Blocked words, one per line (# comments); matched as whole words regardless of case and "
                    + "look-alike letters. Reload it with POST /api/v1/blocked-words/reload.")
    Path blockedWordsFile;

    @Option(names = "--blocked-words-mode", paramLabel = "mask|refuse", converter = BlockedWordsModeConverter.class,
            description = "Chat with a blocked word: mask its letters with * or refuse it (default: ${DEFAULT-VALUE}).")
    BlockedWords.Mode blockedWordsMode;

    @Option(names = "--admins", paramLabel = "NAME", split = ",",
            description = "Password accounts that have the admin role (kick, mute anywhere; docs/protocol.md, "
                    + "Moderation). Token logins take their roles from the token's roles claim.")
    List<String> admins;

    @Option(names = "--creator-moderates", paramLabel = "on|off", arity = "1", converter = OnOffConverter.class,
            description = "Whether the creator of an ad-hoc room may kick players from it and delete their messages in it (default: ${DEFAULT-VALUE}).")
    boolean creatorModerates;

    @Option(names = "--stats-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often to log the one-line stats (default: ${DEFAULT-VALUE}; 0 = never).")
    Duration statsInterval;

    @Option(names = "--db-url", paramLabel = "JDBC_URL",
            description = "Database URL, e.g. jdbc:postgresql://127.0.0.1:5432/parley (default: embedded H2 under --data-dir).")
    String dbUrl;

    @Option(names = "--db-user", description = "Database user.")
    String dbUser;

    @Option(names = "--db-password", description = "Database password.")
    String dbPassword;

    @Option(names = "--db-pool-size", description = "Database connections (default: ${DEFAULT-VALUE}).")
    int dbPoolSize;

    @Option(names = "--blocking-threads",
            description = "Threads for database work: history reads, room ids (default: ${DEFAULT-VALUE} = one per core, "
                    + "at least 2). Logins hash passwords on threads of their own, one per core (see --hash-queue).")
    int blockingThreads;

    @Option(names = "--chat-log", paramLabel = "on|off", arity = "1", converter = OnOffConverter.class,
            description = "Store every chat message in the database, for history and resume (default: ${DEFAULT-VALUE}). "
                    + "Off: rooms keep only their last --join-history messages in memory.")
    boolean chatLog;

    @Option(names = "--log-flush-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the chat log writes a batch to the database; a crash (kill -9) loses at most "
                    + "the chat of the last interval, e.g. 5ms, 1s (default: ${DEFAULT-VALUE}).")
    Duration logFlushInterval;

    @Option(names = "--log-sync",
            description = "Stored before delivered: a room broadcasts a chat message only once the database has "
                    + "committed it (or, while the database is down, the spill file is synced). Batches are then "
                    + "written as soon as messages wait. Costs latency.")
    boolean logSync;

    @Option(names = "--log-queue", paramLabel = "MESSAGES",
            description = "Chat messages that may wait for the database. From half full they spill to a file under "
                    + "--data-dir (replayed when the database is back); when full, new chat gets SERVER_BUSY (default: ${DEFAULT-VALUE}).")
    int logQueue;

    @Option(names = "--permanent-rooms", paramLabel = "NAME", split = ",",
            description = "Rooms created at start that stay when empty; each keeps its id and continues its seq "
                    + "across restarts, and anyone may read its history (e.g. lobby,trade).")
    List<String> permanentRooms;

    @Option(names = "--join-history", paramLabel = "N",
            description = "Recent messages a JoinRoomResponse carries, and the most a resume (last_seen_seq) gets there (default: ${DEFAULT-VALUE}).")
    int joinHistory;

    @Option(names = "--history-max", paramLabel = "N",
            description = "Most messages one HistoryRequest returns; a limit of 0 means "
                    + HistoryService.DEFAULT_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int historyMax;

    @Option(names = "--login-failures-per-name", paramLabel = "N",
            description = "Failed logins on one name within --login-failure-window before the name is locked for "
                    + "--login-lockout; addresses that logged in as it before stay exempt (default: ${DEFAULT-VALUE}; 0 = off).")
    int loginFailuresPerName;

    @Option(names = "--login-failures-per-address", paramLabel = "N",
            description = "Failed logins from one IP address within --login-failure-window before the address is "
                    + "locked (default: ${DEFAULT-VALUE}; 0 = off).")
    int loginFailuresPerAddress;

    @Option(names = "--login-failure-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The window failed logins are counted in (default: ${DEFAULT-VALUE}).")
    Duration loginFailureWindow;

    @Option(names = "--login-lockout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The first lockout of a name or address; each further one doubles, up to "
                    + "--login-lockout-max. Locked logins get RATE_LIMITED \"retry in N s\" (default: ${DEFAULT-VALUE}).")
    Duration loginLockout;

    @Option(names = "--login-lockout-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The longest lockout (default: ${DEFAULT-VALUE}).")
    Duration loginLockoutMax;

    @Option(names = "--logins-in-flight-per-address", paramLabel = "N",
            description = "Logins from one IP address being checked at once; more get RATE_LIMITED "
                    + "(default: ${DEFAULT-VALUE}; 0 = unlimited).")
    int loginsInFlightPerAddress;

    @Option(names = "--registrations-per-address-per-hour", paramLabel = "N",
            description = "New accounts one IP address may create per hour; more get RATE_LIMITED "
                    + "(default: ${DEFAULT-VALUE}; 0 = unlimited).")
    int registrationsPerAddressPerHour;

    @Option(names = "--hash-queue", paramLabel = "LOGINS",
            description = "Logins waiting for a password-hashing thread; when full, new logins get SERVER_BUSY "
                    + "at once (default: ${DEFAULT-VALUE}).")
    int hashQueue;

    @Option(names = "--db-login-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a login or history read waits for a database connection (default: ${DEFAULT-VALUE}).")
    Duration dbLoginTimeout;

    @Option(names = "--db-breaker-open", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After repeated database failures, logins and history reads get SERVER_BUSY at once for "
                    + "this long, then the database is tried again (default: ${DEFAULT-VALUE}).")
    Duration dbBreakerOpen;

    @Option(names = "--drain", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On SIGTERM: turn not ready (/health/ready 503), tell every client the server is going "
                    + "away (GoingAwayNotify: reconnect later, spread), refuse new logins with SERVER_BUSY and keep "
                    + "serving the connected clients this long (less once all have left), then shut down and exit 0. "
                    + "A second SIGTERM ends the drain at once (default: ${DEFAULT-VALUE}; 0 = no drain).")
    Duration drain;

    @Option(names = "--log-format", paramLabel = "text|json", converter = LogFormatConverter.class,
            description = "Log lines as text (ISO-8601 time with zone offset, level, thread, logger, message, "
                    + "key=value fields) or json (one object per line: time, level, logger, thread, message and the "
                    + "fields, e.g. event, player, remote, reason) (default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain (leaf first) of the server; with --tls-key it turns on TLS for the "
                    + "client port, the WebSocket listener (wss://) and the admin port (https://).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PEM private key of --tls-cert: PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 (BEGIN RSA PRIVATE KEY), "
                    + "unencrypted.")
    Path tlsKey;

    @Option(names = "--tls-self-signed", negatable = true, fallbackValue = "true",
            description = "FOR DEVELOPMENT: TLS with a self-signed certificate for localhost, 127.0.0.1, ::1 and this "
                    + "host, made once and kept in --data-dir/tls/ (clients pin it with --tls-ca "
                    + "DATA_DIR/tls/self-signed-cert.pem) (default: ${DEFAULT-VALUE}).")
    boolean tlsSelfSigned;

    @Option(names = "--tls-reload-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the certificate files are checked; changed ones are loaded for new connections "
                    + "(open ones keep theirs), a bad new pair is logged and the old one kept (default: "
                    + "${DEFAULT-VALUE}; 0 = never).")
    Duration tlsReloadInterval;

    @Option(names = "--token-hmac-secret-file", paramLabel = "FILE",
            description = "Log players in with HS256 JWTs from your game backend, signed with the text in FILE "
                    + "(at least 32 bytes, e.g. head -c 32 /dev/urandom | base64 > FILE). Claims: sub (the player's "
                    + "stable id), name (display name), exp, optional roles. See README, \"Logging in with your "
                    + "game backend's tokens\".")
    Path tokenHmacSecretFile;

    @Option(names = "--token-jwks-file", paramLabel = "FILE",
            description = "Log players in with RS256 / ES256 JWTs from your game backend, checked against the public "
                    + "keys of this JWKS file (each with a kid, which the token's header names).")
    Path tokenJwksFile;

    @Option(names = "--token-issuer", paramLabel = "ISS",
            description = "The iss claim backend tokens must carry (default: any).")
    String tokenIssuer;

    @Option(names = "--token-audience", paramLabel = "AUD",
            description = "The aud claim backend tokens must include (default: any).")
    String tokenAudience;

    @Option(names = "--password-login", paramLabel = "on|off", arity = "1", converter = OnOffConverter.class,
            description = "Whether names and passwords log in (default: ${DEFAULT-VALUE}); off needs a token option.")
    boolean passwordLogin;

    @Option(names = "--session-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the session token of each login (LoginResponse.session_token) logs its player in "
                    + "again, across restarts too, e.g. 24h, 30m (default: ${DEFAULT-VALUE}).")
    Duration sessionTtl;

    @Option(names = "--session-key-file", paramLabel = "FILE",
            description = "The key that signs session tokens (text, at least 32 bytes); give every server of one "
                    + "database the same (default: a key made once and kept in the database).")
    Path sessionKeyFile;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Once accepting connections, write pid, transport, client-port, admin-port and ws-port here "
                    + "(see above); for launchers and scripts, e.g. with --port 0.")
    Path readyFile;

    /** Builds the server configuration from the parsed options. */
    ServerConfig toConfig() {
        return ServerConfig.builder()
                .host(host).port(port).transport(transport).ioThreads(ioThreads)
                .maxFrameBytes(maxFrame).rateLimit(rateLimit).slowReaderBytes(slowReaderBytes)
                .slowReaderGrace(slowReaderGrace).abuseGrace(abuseGrace).maxPendingBytes(maxPendingBytes)
                .loginTimeout(loginTimeout).idleTimeout(idleTimeout).duplicateLogin(duplicateLogin)
                .maxConnections(maxConnections).maxPerAddress(maxPerAddress).sendBuffer(sendBuffer)
                .roomMaxMembers(roomMaxMembers).maxRooms(maxRooms).maxChatBytes(maxChatBytes)
                .maxRoomsPerPlayer(maxRoomsPerPlayer).dedupWindow(dedupWindow).editWindow(editWindow)
                .permanentRooms(permanentRooms == null ? List.of() : trimmed(permanentRooms))
                .autoRegister(autoRegister).passwordIterations(passwordIterations)
                .dataDir(dataDir).dbUrl(dbUrl).dbUser(dbUser).dbPassword(dbPassword).dbPoolSize(dbPoolSize)
                .blockingThreads(blockingThreads)
                .chatLog(chatLog).logFlushInterval(logFlushInterval).logSync(logSync).logQueue(logQueue)
                .joinHistory(joinHistory).historyMax(historyMax)
                .adminHost(adminHost).adminPort(adminPort)
                .wsHost(wsHost).wsPort(wsPort).wsAllowedOrigins(wsAllowedOrigins == null ? List.of() : trimmed(wsAllowedOrigins))
                .statsInterval(statsInterval)
                .loginFailuresPerName(loginFailuresPerName).loginFailuresPerAddress(loginFailuresPerAddress)
                .loginFailureWindow(loginFailureWindow).loginLockout(loginLockout).loginLockoutMax(loginLockoutMax)
                .loginsInFlightPerAddress(loginsInFlightPerAddress)
                .registrationsPerAddressPerHour(registrationsPerAddressPerHour).hashQueue(hashQueue)
                .dbLoginTimeout(dbLoginTimeout).dbBreakerOpen(dbBreakerOpen)
                .apiKeyFile(apiKeyFile).blockedWordsFile(blockedWordsFile).blockedWordsMode(blockedWordsMode)
                .drain(drain)
                .admins(admins == null ? List.of() : trimmed(admins)).creatorModerates(creatorModerates)
                .tlsCert(tlsCert).tlsKey(tlsKey).tlsSelfSigned(tlsSelfSigned).tlsReloadInterval(tlsReloadInterval)
                .tokenHmacSecretFile(tokenHmacSecretFile).tokenJwksFile(tokenJwksFile).tokenIssuer(tokenIssuer)
                .tokenAudience(tokenAudience).passwordLogin(passwordLogin).sessionTtl(sessionTtl)
                .sessionKeyFile(sessionKeyFile)
                .clusterRedis(clusterRedis).nodeId(nodeId)
                .build();
    }

    /** Reads mask|refuse. */
    static final class BlockedWordsModeConverter implements CommandLine.ITypeConverter<BlockedWords.Mode> {
        @Override
        public BlockedWords.Mode convert(String value) {
            return BlockedWords.Mode.parse(value);
        }
    }

    /** Starts the server and, with --ready-file, announces it; on a failed announcement the server is closed. */
    ParleyServer start() throws IOException, InterruptedException {
        ParleyServer server = ParleyServer.start(toConfig());
        if (readyFile != null) {
            try {
                InetSocketAddress admin = server.adminAddress();
                InetSocketAddress ws = server.webSocketAddress();
                new ReadyFile(ProcessHandle.current().pid(), server.transport().cliName(), server.address().getPort(),
                        admin == null ? ReadyFile.NO_PORT : admin.getPort(), ws == null ? ReadyFile.NO_PORT : ws.getPort())
                        .writeTo(readyFile);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw new IOException("cannot write the ready file " + readyFile + ": " + e.getMessage(), e);
            }
        }
        return server;
    }

    @Override
    public Integer call() throws Exception {
        logFormat.apply(); // before the server's first line
        ParleyServer server = start();
        Runnable stop = () -> {
            if (readyFile != null) {
                deleteQuietly(readyFile); // not ready any more
            }
            server.close();
        };
        // SIGTERM, the supervisor's stop: a drain, then this returns and the process exits 0.
        // Anything else that ends the JVM (Ctrl-C, System.exit) still closes the server.
        TermSignal.install(() -> new Thread(stop, "parley-shutdown").start());
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "parley-shutdown-hook"));
        server.awaitTermination();
        return 0;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the launcher deletes a stale ready file before it starts a server
        }
    }

    private static List<String> trimmed(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!n.isBlank()) {
                out.add(n.trim());
            }
        }
        return out;
    }

    /** {@code on} / {@code off} (also true/false, yes/no). */
    static final class OnOffConverter implements CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes" -> true;
                case "off", "false", "no" -> false;
                default -> throw new CommandLine.TypeConversionException("expected on or off, got '" + value + "'");
            };
        }
    }

    static final class DuplicateLoginConverter implements CommandLine.ITypeConverter<DuplicateLogin> {
        @Override
        public DuplicateLogin convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "replace" -> DuplicateLogin.REPLACE;
                case "refuse" -> DuplicateLogin.REFUSE;
                default -> throw new CommandLine.TypeConversionException("expected replace or refuse, got '" + value + "'");
            };
        }
    }

    static final class LogFormatConverter implements CommandLine.ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected text or json, got '" + value + "'");
            }
        }
    }

    static final class TransportConverter implements CommandLine.ITypeConverter<Transport> {
        @Override
        public Transport convert(String value) {
            return Transport.parse(value);
        }
    }
}
