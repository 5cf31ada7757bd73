package dev.parley.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per data directory: an exclusive OS lock on {@value #FILE} in the directory, held
 * from the start of the server until its close. The chat log's crash marker and spill file
 * live there, and two servers sharing them would delete each other's marker and replay each
 * other's spill. The OS releases the lock when the process dies, so a kill -9 leaves nothing
 * stale behind. Acquired and released on the thread that starts and closes the server.
 */
public final class DataDirLock implements AutoCloseable {

    /** The lock file's name inside the data directory. */
    public static final String FILE = "parley.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (which must exist) for this server.
     *
     * @throws IOException naming the directory when another server holds it
     */
    public static DataDirLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // another server in this JVM holds it (tests start several)
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("data directory " + dir.toAbsolutePath().normalize()
                    + " is in use by another Parley server (it holds " + FILE + "); give each server its own --data-dir");
        }
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
