package dev.parley.cli;

import dev.parley.logging.LogFormat;
import dev.parley.server.ServerConfig.Accounts;
import dev.parley.server.ServerConfig.Admin;
import dev.parley.server.ServerConfig.Blocking;
import dev.parley.server.ServerConfig.ChatLogSettings;
import dev.parley.server.ServerConfig.Connections;
import dev.parley.server.ServerConfig.DbBreaker;
import dev.parley.server.ServerConfig.History;
import dev.parley.server.ServerConfig.Identity;
import dev.parley.server.ServerConfig.Logins;
import dev.parley.server.ServerConfig.Network;
import dev.parley.server.ServerConfig.Rooms;
import dev.parley.server.ServerConfig.Storage;
import dev.parley.server.ServerConfig.Tls;
import dev.parley.server.ServerConfig;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static java.util.Map.entry;

/**
 * The {@code server} command's defaults, taken from the {@code DEFAULT_*} constants of
 * {@link ServerConfig} and written as the options spell them ({@code 5s}, {@code on}), so each
 * default has one source and {@code --help} shows it through {@code ${DEFAULT-VALUE}}. Keyed by
 * the option name without dashes, like the {@code --config} file. Stateless.
 */
public final class ServerDefaults implements CommandLine.IDefaultValueProvider {

    static final Map<String, String> DEFAULTS = Map.ofEntries(
            entry("host", Network.DEFAULT_HOST),
            entry("port", Integer.toString(Network.DEFAULT_PORT)),
            entry("io-threads", Integer.toString(Network.DEFAULT_IO_THREADS)),
            entry("max-frame", Integer.toString(Connections.DEFAULT_MAX_FRAME_BYTES)),
            entry("rate-limit", Integer.toString(Connections.DEFAULT_RATE_LIMIT)),
            entry("slow-reader-bytes", Integer.toString(Connections.DEFAULT_SLOW_READER_BYTES)),
            entry("slow-reader-grace", duration(Connections.DEFAULT_SLOW_READER_GRACE)),
            entry("abuse-grace", duration(Connections.DEFAULT_ABUSE_GRACE)),
            entry("max-pending-bytes", Long.toString(Connections.DEFAULT_MAX_PENDING_BYTES)),
            entry("login-timeout", duration(Connections.DEFAULT_LOGIN_TIMEOUT)),
            entry("idle-timeout", duration(Connections.DEFAULT_IDLE_TIMEOUT)),
            entry("duplicate-login", Connections.DEFAULT_DUPLICATE_LOGIN.name().toLowerCase(java.util.Locale.ROOT)),
            entry("max-connections", Integer.toString(Connections.DEFAULT_MAX_CONNECTIONS)),
            entry("max-connections-per-address", Integer.toString(Connections.DEFAULT_MAX_PER_ADDRESS)),
            entry("send-buffer", Integer.toString(Connections.DEFAULT_SEND_BUFFER)),
            entry("room-max-members", Integer.toString(Rooms.DEFAULT_ROOM_MAX_MEMBERS)),
            entry("max-rooms", Integer.toString(Rooms.DEFAULT_MAX_ROOMS)),
            entry("max-rooms-per-player", Integer.toString(Rooms.DEFAULT_MAX_ROOMS_PER_PLAYER)),
            entry("dedup-window", duration(Rooms.DEFAULT_DEDUP_WINDOW)),
            entry("edit-window", duration(Rooms.DEFAULT_EDIT_WINDOW)),
            entry("max-chat-bytes", Integer.toString(Rooms.DEFAULT_MAX_CHAT_BYTES)),
            entry("auto-register", Boolean.toString(Accounts.DEFAULT_AUTO_REGISTER)),
            entry("password-iterations", Integer.toString(Accounts.DEFAULT_PASSWORD_ITERATIONS)),
            entry("data-dir", Storage.DEFAULT_DATA_DIR.toString()),
            entry("db-pool-size", Integer.toString(Storage.DEFAULT_DB_POOL_SIZE)),
            entry("blocking-threads", Integer.toString(Blocking.DEFAULT_THREADS)),
            entry("chat-log", ChatLogSettings.DEFAULT_ENABLED ? "on" : "off"),
            entry("log-flush-interval", duration(ChatLogSettings.DEFAULT_FLUSH_INTERVAL)),
            entry("log-sync", Boolean.toString(ChatLogSettings.DEFAULT_SYNC)),
            entry("log-queue", Integer.toString(ChatLogSettings.DEFAULT_QUEUE)),
            entry("join-history", Integer.toString(History.DEFAULT_JOIN_HISTORY)),
            entry("history-max", Integer.toString(History.DEFAULT_HISTORY_MAX)),
            entry("admin-host", Admin.DEFAULT_HOST),
            entry("admin-port", Integer.toString(Admin.DEFAULT_PORT)),
            entry("ws-port", Integer.toString(ServerConfig.WebSocket.DEFAULT_PORT)),
            entry("stats-interval", duration(ServerConfig.DEFAULT_STATS_INTERVAL)),
            entry("login-failures-per-name", Integer.toString(Logins.DEFAULT_FAILURES_PER_NAME)),
            entry("login-failures-per-address", Integer.toString(Logins.DEFAULT_FAILURES_PER_ADDRESS)),
            entry("login-failure-window", duration(Logins.DEFAULT_FAILURE_WINDOW)),
            entry("login-lockout", duration(Logins.DEFAULT_LOCKOUT)),
            entry("login-lockout-max", duration(Logins.DEFAULT_LOCKOUT_MAX)),
            entry("logins-in-flight-per-address", Integer.toString(Logins.DEFAULT_IN_FLIGHT_PER_ADDRESS)),
            entry("registrations-per-address-per-hour", Integer.toString(Logins.DEFAULT_REGISTRATIONS_PER_ADDRESS_PER_HOUR)),
            entry("hash-queue", Integer.toString(Logins.DEFAULT_HASH_QUEUE)),
            entry("db-login-timeout", duration(DbBreaker.DEFAULT_LOGIN_TIMEOUT)),
            entry("db-breaker-open", duration(DbBreaker.DEFAULT_OPEN)),
            entry("drain", duration(ServerConfig.DEFAULT_DRAIN)),
            entry("log-format", LogFormat.DEFAULT.cliName()),
            entry("tls-self-signed", Boolean.toString(Tls.DEFAULT_SELF_SIGNED)),
            entry("tls-reload-interval", duration(Tls.DEFAULT_RELOAD_INTERVAL)),

            entry("password-login", Identity.DEFAULT_PASSWORD_LOGIN ? "on" : "off"),
            entry("session-ttl", duration(Identity.DEFAULT_SESSION_TTL)),
            entry("blocked-words-mode", ServerConfig.Content.DEFAULT_BLOCKED_WORDS_MODE.cliName()),
            entry("creator-moderates", ServerConfig.Moderation.DEFAULT_CREATOR_MODERATES ? "on" : "off"));

    /**
     * A duration the way {@link DurationConverter} reads it: whole hours as {@code 24h}, whole minutes as {@code 5m}, whole
     * seconds as {@code 30s}, else {@code 20ms}.
     */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms > 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms > 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        return argSpec instanceof OptionSpec option ? DEFAULTS.get(ConfigFile.key(option)) : null;
    }
}
