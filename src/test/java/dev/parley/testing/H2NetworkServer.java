package dev.parley.testing;

import org.h2.tools.Server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * An H2 database behind its own TCP server on a loopback port, which a test can stop (the
 * database is unreachable, as in an outage) and start again on the same port and files.
 */
public final class H2NetworkServer implements AutoCloseable {

    private final Path baseDir;
    private final int port;
    private Server server;

    private H2NetworkServer(Path baseDir) throws SQLException {
        this.baseDir = baseDir;
        this.server = create("0");
        this.port = server.getPort();
    }

    /** Starts one on a free port, keeping its files under {@code baseDir}. */
    public static H2NetworkServer start(Path baseDir) throws SQLException {
        return new H2NetworkServer(baseDir);
    }

    /** The JDBC URL of its database "parley". */
    public String url() {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/parley";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** The database goes away: connections fail until {@link #restart()}. */
    public void stop() {
        server.stop();
    }

    /** The database returns on the same port with the same data. */
    public void restart() throws SQLException {
        server = create(Integer.toString(port));
    }

    private Server create(String tcpPort) throws SQLException {
        return Server.createTcpServer("-tcpPort", tcpPort, "-baseDir", baseDir.toString(), "-ifNotExists").start();
    }

    @Override
    public void close() {
        server.stop();
    }
}
