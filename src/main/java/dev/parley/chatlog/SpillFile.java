package dev.parley.chatlog;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.protocol.pb.ChatNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only file of chat messages that could not be stored in the database yet, read back
 * in the order written. Records are {@code [u32 length][u32 CRC32C][ChatNotify bytes]}: a
 * record torn by a crash mid-append fails its length or checksum and is cut off at open.
 *
 * <p>Appends go straight to the kernel (no user-space buffer), so a kill -9 of the server loses
 * nothing appended; {@link #force()} adds the fsync that survives a power cut. Confined to the
 * chat log's writer thread; only {@link #pendingBytes()} may be read from elsewhere.
 */
public final class SpillFile implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpillFile.class);
    private static final int HEADER = 8;
    /** A ChatNotify is far below a frame; anything larger is a torn or foreign record. */
    private static final int MAX_RECORD = 1 << 16;
    private static final int READ_BUFFER = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private volatile long end;
    private volatile long readOffset;

    private SpillFile(Path path, FileChannel channel, long end) {
        this.path = path;
        this.channel = channel;
        this.end = end;
    }

    /** Opens or creates the file; a torn last record is truncated away. */
    public static SpillFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long valid = scan(ch);
            long size = ch.size();
            if (valid < size) {
                log.warn("{}: cutting {} byte(s) of a record torn by a crash at offset {}", path, size - valid, valid);
                ch.truncate(valid);
                ch.force(true);
            }
            return new SpillFile(path, ch, valid);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Appends messages in order, as one write. */
    public void append(List<ChatNotify> messages) throws IOException {
        int total = 0;
        List<byte[]> bodies = new ArrayList<>(messages.size());
        for (ChatNotify m : messages) {
            byte[] body = m.toByteArray();
            bodies.add(body);
            total += HEADER + body.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        CRC32C crc = new CRC32C();
        for (byte[] body : bodies) {
            crc.reset();
            crc.update(body);
            buf.putInt(body.length).putInt((int) crc.getValue()).put(body);
        }
        buf.flip();
        long pos = end;
        while (buf.hasRemaining()) {
            pos += channel.write(buf, pos);
        }
        end = pos;
    }

    /** Makes appended records durable against power loss, not only against a crash of the server. */
    public void force() throws IOException {
        channel.force(false);
    }

    /** Bytes written but not yet replayed. */
    public long pendingBytes() {
        return end - readOffset;
    }

    public boolean hasPending() {
        return end > readOffset;
    }

    /** Up to {@code max} records from the read position; {@link #consume} them once stored. */
    public Chunk read(int max) throws IOException {
        long pos = readOffset;
        List<ChatNotify> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(READ_BUFFER, end - pos));
        while (out.size() < max && pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            readAt(channel, buf, pos);
            buf.flip();
            int parsed = 0;
            while (out.size() < max && buf.remaining() >= HEADER) {
                int length = buf.getInt(buf.position());
                if (buf.remaining() < HEADER + length) {
                    break;
                }
                buf.position(buf.position() + HEADER);
                byte[] body = new byte[length];
                buf.get(body);
                out.add(parse(body, pos + parsed));
                parsed += HEADER + length;
            }
            if (parsed == 0) {
                break; // cannot happen after scan(): a record never exceeds the buffer
            }
            pos += parsed;
        }
        return new Chunk(out, pos);
    }

    /** Marks everything before {@code chunk} (and it) as stored. */
    public void consume(Chunk chunk) {
        readOffset = chunk.next();
    }

    /** Everything was replayed: start over with an empty file. */
    public void reset() throws IOException {
        channel.truncate(0);
        channel.force(true);
        end = 0;
        readOffset = 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Records read from the file, and the offset after them. */
    public record Chunk(List<ChatNotify> messages, long next) {
    }

    private ChatNotify parse(byte[] body, long offset) throws IOException {
        try {
            return ChatNotify.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(path + ": unreadable record at offset " + offset, e);
        }
    }

    /** The length of the valid prefix: whole records whose checksum matches. */
    private static long scan(FileChannel ch) throws IOException {
        long size = ch.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        CRC32C crc = new CRC32C();
        while (pos + HEADER <= size) {
            header.clear();
            readAt(ch, header, pos);
            int length = header.getInt(0);
            int sum = header.getInt(4);
            if (length < 0 || length > MAX_RECORD || pos + HEADER + length > size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readAt(ch, body, pos + HEADER);
            crc.reset();
            crc.update(body.array(), 0, length);
            if ((int) crc.getValue() != sum) {
                break;
            }
            pos += HEADER + length;
        }
        return pos;
    }

    private static void readAt(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + p);
            }
            p += n;
        }
    }
}
