package dev.parley.chatlog;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Member;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpillFileTest {

    @TempDir
    Path dir;

    static List<ChatNotify> messages(long room, int from, int n) {
        List<ChatNotify> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(ChatNotify.newBuilder().setRoomId(room).setSeq(i).setText("text " + i + " ü")
                    .setSender(Member.newBuilder().setPlayerId(7).setName("alice")).setClientMsgId(i)
                    .setServerTimeMs(1_700_000_000_000L + i).build());
        }
        return out;
    }

    @Test
    void readsBackInOrderAcrossChunksAndReopens() throws IOException {
        Path path = dir.resolve("spill");
        try (SpillFile f = SpillFile.open(path)) {
            f.append(messages(1, 1, 100));
            f.append(messages(2, 1, 50));
            SpillFile.Chunk c = f.read(120);
            assertThat(c.messages()).isEqualTo(concat(messages(1, 1, 100), messages(2, 1, 20)));
            // not consumed: the same records again
            assertThat(f.read(5).messages()).isEqualTo(messages(1, 1, 5));
            f.consume(c);
            assertThat(f.read(1000).messages()).isEqualTo(messages(2, 21, 30));
        }
        try (SpillFile f = SpillFile.open(path)) {
            // a new run replays from the start: nothing was marked replayed on disk
            assertThat(f.read(1000).messages()).hasSize(150);
            f.reset();
            assertThat(f.hasPending()).isFalse();
            assertThat(Files.size(path)).isZero();
        }
    }

    @Test
    void aRecordTornByACrashIsCutOffAtOpen() throws IOException {
        Path path = dir.resolve("spill");
        try (SpillFile f = SpillFile.open(path)) {
            f.append(messages(1, 1, 10));
        }
        long whole = Files.size(path);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[]{0, 0, 0, 40, 1, 2, 3, 4, 9, 9})); // a header and 2 of 40 bytes
        }
        try (SpillFile f = SpillFile.open(path)) {
            assertThat(Files.size(path)).isEqualTo(whole);
            assertThat(f.read(100).messages()).isEqualTo(messages(1, 1, 10));
            f.append(messages(1, 11, 1));
            assertThat(f.read(100).messages()).hasSize(11);
        }
    }

    @Test
    void aRecordWithABadChecksumEndsTheValidPart() throws IOException {
        Path path = dir.resolve("spill");
        try (SpillFile f = SpillFile.open(path)) {
            f.append(messages(1, 1, 3));
        }
        byte[] bytes = Files.readAllBytes(path);
        bytes[bytes.length - 1] ^= 0x55; // the last record's body
        Files.write(path, bytes);
        try (SpillFile f = SpillFile.open(path)) {
            assertThat(f.read(100).messages()).isEqualTo(messages(1, 1, 2));
        }
    }

    private static List<ChatNotify> concat(List<ChatNotify> a, List<ChatNotify> b) {
        List<ChatNotify> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
