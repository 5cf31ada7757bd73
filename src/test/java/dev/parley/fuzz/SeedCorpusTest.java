package dev.parley.fuzz;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.testing.Wire;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-made seed corpus of the fuzz targets, written here in terms of frames and client
 * actions. The committed files under {@code src/test/resources/dev/parley/fuzz/} must equal
 * what this class builds, so a seed's name stays true; after changing a seed, rewrite them with
 * {@code mvn -o test -Dtest=SeedCorpusTest -Dparley.fuzz.writeSeeds=true}. Crash inputs found
 * by fuzzing sit beside the seeds and are not checked here.
 */
class SeedCorpusTest {

    private static final String DECODER = "FrameDecoderFuzzTestInputs/decodesOrRefusesAnyStream/";
    private static final String SESSION = "SessionFuzzTestInputs/connectionsSurviveAnyClient/";
    private static final Path RESOURCES = Path.of("src/test/resources/dev/parley/fuzz");

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        byte[] login = Wire.frame(LoginRequest.newBuilder().setName("alice").setPassword("secret").build());
        byte[] chat = Wire.frame(ChatRequest.newBuilder().setText("héllo").setClientMsgId(42).build());
        byte[] ping = Wire.frame(PingRequest.newBuilder().setNonce(7).build());
        seeds.put(DECODER + "valid_login", oneRead(login));
        seeds.put(DECODER + "valid_chat", oneRead(chat));
        seeds.put(DECODER + "several_frames_one_read",
                oneRead(concat(login, chat, Wire.frame(RoomListRequest.getDefaultInstance()), ping)));
        seeds.put(DECODER + "frames_split_across_reads", new SeedWriter().small(2).medium(3).medium(7)
                .bytes(concat(login, chat)).build());
        SeedWriter byteAtATime = new SeedWriter().small(15);
        for (int i = 0; i < 14; i++) {
            byteAtATime.medium(1);
        }
        seeds.put(DECODER + "byte_at_a_time", byteAtATime.bytes(login).build());
        seeds.put(DECODER + "largest_frame", oneRead(Wire.frame(ChatRequest.newBuilder()
                .setText("x".repeat(Frames.DEFAULT_MAX_CLIENT_FRAME - 8)).build())));
        seeds.put(DECODER + "oversized_header", oneRead(concat(
                Wire.header(Frames.DEFAULT_MAX_CLIENT_FRAME + 1, MsgType.CHAT_REQUEST_VALUE), "xyz".getBytes())));
        seeds.put(DECODER + "zero_length", oneRead(Wire.header(0, MsgType.PING_REQUEST_VALUE)));
        seeds.put(DECODER + "unknown_type", oneRead(Wire.header(4, 999)));
        seeds.put(DECODER + "server_only_type", oneRead(Wire.frame(ChatNotify.newBuilder().setText("forged").build())));
        seeds.put(DECODER + "truncated_body", oneRead(java.util.Arrays.copyOf(login, login.length - 3)));
        seeds.put(DECODER + "unparsable_body", oneRead(Wire.raw(8, MsgType.LOGIN_REQUEST_VALUE, new byte[]{0x0a, 100, 'h', 'i'})));
        seeds.put(DECODER + "violation_then_valid_frame", new SeedWriter().small(1).medium(4)
                .bytes(concat(Wire.header(2, MsgType.PING_REQUEST_VALUE), ping)).build());

        seeds.put(SESSION + "one_client_chats_in_its_room", new Steps()
                .login(0, "alice", "pw").create(0, "lobby").chat(0, "hello", 7).history(0, 1).leave(0).build());
        seeds.put(SESSION + "two_clients_share_a_room", new Steps()
                .login(0, "alice", "pw").login(1, "bob", "pw").create(0, "lobby").join(1, 1).chat(1, "hi", 1)
                .bigChat(0, 0, 4096).leave(1).hangUp(0).build());
        seeds.put(SESSION + "same_name_twice", new Steps().login(0, "alice", "pw").login(1, "Alice", "pw").build());
        seeds.put(SESSION + "requests_before_login", new Steps()
                .chat(0, "early", 3).join(0, 1).ping(0, 9).list(0).build());
        seeds.put(SESSION + "violation_then_reconnect", new Steps()
                .login(0, "alice", "pw").raw(0, Wire.header(0, MsgType.PING_REQUEST_VALUE)).login(0, "alice", "pw").build());
        seeds.put(SESSION + "login_split_across_reads", new Steps().splitNext(3).login(0, "alice", "pw").build());
        seeds.put(SESSION + "chat_over_the_frame_limit", new Steps()
                .login(0, "alice", "pw").create(0, "big").bigChat(0, 1, 9000).build());
        return seeds;
    }

    @Test
    void committedSeedsAreTheOnesBuiltHere() throws IOException {
        boolean write = Boolean.getBoolean("parley.fuzz.writeSeeds");
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            if (write) {
                Path file = RESOURCES.resolve(seed.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, seed.getValue());
                continue;
            }
            try (InputStream committed = getClass().getResourceAsStream(seed.getKey())) {
                assertThat(committed).as("seed %s is committed", seed.getKey()).isNotNull();
                assertThat(committed.readAllBytes()).as(seed.getKey()).isEqualTo(seed.getValue());
            }
        }
    }

    private static byte[] oneRead(byte[] stream) {
        return new SeedWriter().small(0).bytes(stream).build();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Writes steps in the order {@link SessionFuzzTest} and {@link ClientAction} read them. */
    private static final class Steps {
        private final SeedWriter w = new SeedWriter();
        private int nextSplit;

        Steps login(int client, String name, String password) {
            action(client, ClientAction.LOGIN).flag(false).text(name).text(password);
            return frame(LoginRequest.newBuilder().setName(name).setPassword(password).build());
        }

        Steps create(int client, String name) {
            action(client, ClientAction.CREATE).text(name).small(0);
            return frame(dev.parley.protocol.pb.CreateRoomRequest.newBuilder().setName(name).build());
        }

        Steps join(int client, int roomId) {
            action(client, ClientAction.JOIN).small(roomId).flag(false);
            return frame(dev.parley.protocol.pb.JoinRoomRequest.newBuilder().setRoomId(roomId).build());
        }

        Steps leave(int client) {
            action(client, ClientAction.LEAVE);
            return frame(dev.parley.protocol.pb.LeaveRoomRequest.getDefaultInstance());
        }

        Steps chat(int client, String text, int clientMsgId) {
            action(client, ClientAction.CHAT).text(text).medium(clientMsgId);
            return frame(ChatRequest.newBuilder().setText(text).setClientMsgId(clientMsgId).build());
        }

        /** {@code count} times the code point {@link ClientAction#bigChatCodePoint} makes of {@code n}. */
        Steps bigChat(int client, int n, int count) {
            action(client, ClientAction.BIG_CHAT).small(n).medium(count).small(0);
            String text = Character.toString(ClientAction.bigChatCodePoint(n)).repeat(count);
            return frame(ChatRequest.newBuilder().setText(text).build());
        }

        Steps history(int client, int roomId) {
            action(client, ClientAction.HISTORY).small(roomId).medium(0).flag(false).flag(false);
            return frame(dev.parley.protocol.pb.HistoryRequest.newBuilder().setRoomId(roomId).build());
        }

        Steps ping(int client, int nonce) {
            action(client, ClientAction.PING).medium(nonce);
            return frame(PingRequest.newBuilder().setNonce(nonce).build());
        }

        Steps list(int client) {
            action(client, ClientAction.LIST);
            return frame(RoomListRequest.getDefaultInstance());
        }

        Steps raw(int client, byte[] bytes) {
            action(client, ClientAction.RAW).small(bytes.length).bytes(bytes);
            return split(bytes.length);
        }

        Steps hangUp(int client) {
            action(client, ClientAction.HANG_UP);
            return this;
        }

        /** The next step's frame arrives in two reads, the first of {@code at} bytes. */
        Steps splitNext(int at) {
            nextSplit = at;
            return this;
        }

        byte[] build() {
            return w.build();
        }

        private SeedWriter action(int client, ClientAction action) {
            return w.small(client).small(action.ordinal());
        }

        private Steps frame(MessageLite request) {
            return split(Wire.frame(request).length);
        }

        private Steps split(int length) {
            if (length > 1) {
                w.medium(nextSplit);
            }
            nextSplit = 0;
            return this;
        }
    }
}
