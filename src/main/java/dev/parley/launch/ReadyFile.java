package dev.parley.launch;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The server's readiness contract ({@code parley server --ready-file PATH}): once the server
 * accepts connections it writes this small properties document, atomically (a temporary file
 * in the same directory, then a move), so a reader sees either no file or a complete one:
 *
 * <pre>
 * pid=12345
 * transport=epoll
 * client-port=41385
 * admin-port=9777      (or: none)
 * ws-port=7780         (or: none; a file without it, from an older server, reads as none)
 * </pre>
 *
 * A graceful shutdown deletes it; a killed server leaves it behind, so a launcher deletes the
 * path before starting and checks {@code pid}. The one definition of the format, shared by the
 * writer (the server command) and the reader ({@link ServerProcess}); immutable.
 *
 * @param pid        the server's process id
 * @param transport  the socket transport's command-line name (io_uring, epoll, nio)
 * @param clientPort the TCP port clients connect to
 * @param adminPort  the admin HTTP port, or {@link #NO_ADMIN_PORT}
 * @param wsPort     the WebSocket listener's port, or {@link #NO_PORT}
 */
public record ReadyFile(long pid, String transport, int clientPort, int adminPort, int wsPort) {

    /** The value of a port that is off. */
    public static final int NO_PORT = -1;
    public static final int NO_ADMIN_PORT = NO_PORT;

    private static final String PID = "pid";
    private static final String TRANSPORT = "transport";
    private static final String CLIENT_PORT = "client-port";
    private static final String ADMIN_PORT = "admin-port";
    private static final String WS_PORT = "ws-port";
    private static final String NONE = "none";

    public boolean hasAdminPort() {
        return adminPort != NO_ADMIN_PORT;
    }

    /** The document's text, keys in a fixed order. */
    public String text() {
        return PID + "=" + pid + "\n"
                + TRANSPORT + "=" + transport + "\n"
                + CLIENT_PORT + "=" + clientPort + "\n"
                + ADMIN_PORT + "=" + port(adminPort) + "\n"
                + WS_PORT + "=" + port(wsPort) + "\n";
    }

    private static String port(int port) {
        return port == NO_PORT ? NONE : Integer.toString(port);
    }

    private static int port(String value) {
        return value == null || value.trim().equals(NONE) ? NO_PORT : Integer.parseInt(value.trim());
    }

    /** Writes to {@code file} atomically: readers never see a partial document. */
    public void writeTo(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Parses a ready file; throws with the file named when a key is missing or malformed. */
    public static ReadyFile read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    static ReadyFile parse(String text, String source) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        try {
            return new ReadyFile(Long.parseLong(required(p, PID, source)), required(p, TRANSPORT, source),
                    Integer.parseInt(required(p, CLIENT_PORT, source)), port(required(p, ADMIN_PORT, source)),
                    port(p.getProperty(WS_PORT)));
        } catch (NumberFormatException e) {
            throw new IOException("malformed ready file " + source + ": " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key, String source) throws IOException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IOException("ready file " + source + " has no " + key);
        }
        return v.trim();
    }
}
