package dev.parley.fuzz;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.PingRequest;
import dev.parley.protocol.pb.RoomListRequest;

/**
 * One thing a fuzzed client does, read from {@link FuzzInput}: a well-formed request with
 * fuzzed fields, raw bytes, or hanging up. Names come from a small pool half of the time so
 * that two clients collide on a name; room ids are mostly the few that exist.
 */
enum ClientAction {
    LOGIN, CREATE, JOIN, LEAVE, CHAT, BIG_CHAT, HISTORY, PING, LIST, RAW, HANG_UP;

    static final String[] NAMES = {"alice", "Alice", "bob"};

    static ClientAction read(FuzzInput in) {
        return values()[in.small(values().length - 1)];
    }

    /** The request this action sends, or null for {@link #RAW} and {@link #HANG_UP}. */
    MessageLite request(FuzzInput in) {
        return switch (this) {
            case LOGIN -> LoginRequest.newBuilder().setName(name(in)).setPassword(in.text(40)).build();
            case CREATE -> CreateRoomRequest.newBuilder().setName(in.text(80)).setMaxMembers(in.small(12)).build();
            case JOIN -> {
                JoinRoomRequest.Builder b = JoinRoomRequest.newBuilder().setRoomId(roomId(in));
                if (in.flag()) {
                    b.setLastSeenSeq(in.small(40));
                }
                yield b.build();
            }
            case LEAVE -> LeaveRoomRequest.getDefaultInstance();
            case CHAT -> ChatRequest.newBuilder().setText(in.text(255)).setClientMsgId(in.medium(65_535)).build();
            // many bytes from little input: reaches the chat and frame size limits
            case BIG_CHAT -> ChatRequest.newBuilder()
                    .setText(Character.toString(bigChatCodePoint(in.small(255))).repeat(in.medium(10_000)))
                    .setClientMsgId(in.small(255)).build();
            case HISTORY -> {
                HistoryRequest.Builder b = HistoryRequest.newBuilder().setRoomId(roomId(in)).setLimit(in.medium(400));
                if (in.flag()) {
                    b.setBeforeSeq(in.small(60));
                }
                if (in.flag()) {
                    b.setAfterSeq(in.small(60));
                }
                yield b.build();
            }
            case PING -> PingRequest.newBuilder().setNonce(in.medium(65_535)).build();
            case LIST -> RoomListRequest.getDefaultInstance();
            case RAW, HANG_UP -> null;
        };
    }

    /**
     * From 'A' through one-, two- and three-byte UTF-8 to the supplementary planes. Surrogates
     * are stepped over: a client can only send well-formed UTF-8 text through a request (the
     * encoder would turn a lone one into '?'); malformed bytes reach the server through RAW.
     */
    static int bigChatCodePoint(int n) {
        int cp = 'A' + n * 257;
        return cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE ? cp + 0x800 : cp;
    }

    private static String name(FuzzInput in) {
        return in.flag() ? NAMES[in.small(NAMES.length - 1)] : in.text(40);
    }

    private static long roomId(FuzzInput in) {
        int n = in.small(255);
        return n < 250 ? n % 5 : Long.MAX_VALUE - n; // ids start at 1; 0 and huge ids do not exist
    }
}
