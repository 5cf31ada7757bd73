package dev.parley.testing;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;

import java.util.ArrayList;
import java.util.List;

/** Room, chat and history requests for tests, on top of any {@link ChatClient} (TCP or WebSocket). */
public final class Chat {

    private Chat() {
    }

    public static long createRoom(ChatClient c, String name) {
        c.send(CreateRoomRequest.newBuilder().setName(name).build());
        CreateRoomResponse r = c.expectSkipping(CreateRoomResponse.class);
        if (r.getResult() != Result.OK) {
            throw new AssertionError("create " + name + " failed: " + r);
        }
        return r.getRoom().getRoomId();
    }

    public static JoinRoomResponse join(ChatClient c, long roomId) {
        c.send(JoinRoomRequest.newBuilder().setRoomId(roomId).build());
        return c.expectSkipping(JoinRoomResponse.class);
    }

    /** A resume: join with {@code last_seen_seq}. */
    public static JoinRoomResponse rejoin(ChatClient c, long roomId, long lastSeenSeq) {
        c.send(JoinRoomRequest.newBuilder().setRoomId(roomId).setLastSeenSeq(lastSeenSeq).build());
        return c.expectSkipping(JoinRoomResponse.class);
    }

    public static void say(ChatClient c, String text, long clientMsgId) {
        c.send(ChatRequest.newBuilder().setText(text).setClientMsgId(clientMsgId).build());
    }

    /** The next {@code n} chat notices, skipping other messages. */
    public static List<ChatNotify> receive(ChatClient c, int n) {
        List<ChatNotify> out = new ArrayList<>(n);
        while (out.size() < n) {
            out.add(c.expectSkipping(ChatNotify.class));
        }
        return out;
    }

    /** A history page; {@code before}/{@code after} null = not set. */
    public static HistoryResponse history(ChatClient c, long roomId, Long before, Long after, int limit) {
        HistoryRequest.Builder b = HistoryRequest.newBuilder().setRoomId(roomId).setLimit(limit);
        if (before != null) {
            b.setBeforeSeq(before);
        }
        if (after != null) {
            b.setAfterSeq(after);
        }
        c.send(b.build());
        return c.expectSkipping(HistoryResponse.class);
    }

    /** Pages forward from the start until has_more is false: every stored message, ascending. */
    public static List<ChatNotify> all(ChatClient c, long roomId) {
        List<ChatNotify> out = new ArrayList<>();
        long after = 0;
        while (true) {
            HistoryResponse r = history(c, roomId, null, after, 200);
            if (r.getResult() != Result.OK) {
                throw new AssertionError("history failed: " + r);
            }
            out.addAll(r.getMessagesList());
            if (!r.getHasMore()) {
                return out;
            }
            after = r.getMessages(r.getMessagesCount() - 1).getSeq();
        }
    }

    public static RoomInfo room(ChatClient c, String name) {
        c.send(RoomListRequest.getDefaultInstance());
        RoomListResponse list = c.expectSkipping(RoomListResponse.class);
        return list.getRoomsList().stream().filter(r -> r.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no room " + name + " in " + list));
    }

    public static List<Long> seqs(List<ChatNotify> messages) {
        return messages.stream().map(ChatNotify::getSeq).toList();
    }

    /** from..to inclusive. */
    public static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }

    /** The room list. */
    public static List<RoomInfo> listRooms(ChatClient c) {
        c.send(RoomListRequest.newBuilder().build());
        return c.expectSkipping(RoomListResponse.class).getRoomsList();
    }
}
