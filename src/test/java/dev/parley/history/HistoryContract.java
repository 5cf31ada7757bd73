package dev.parley.history;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.HistoryResponse;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.BackendContract;
import dev.parley.testing.Chat;
import dev.parley.testing.StoredMessages;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** History paging and resume against a real database; run for H2 and PostgreSQL by the subclasses. */
abstract class HistoryContract extends BackendContract {


    /** Sends n messages and waits until the sender has them back. */
    static List<ChatNotify> chat(TestClient c, int from, int n) {
        for (int i = from; i < from + n; i++) {
            Chat.say(c, "m" + i, i);
        }
        return Chat.receive(c, n);
    }

    void awaitStored(long n) throws Exception {
        try (Connection db = backend.connect(dir)) {
            StoredMessages.awaitCount(db, n, 20);
        }
    }

    @Test
    void pagesBackwardsAndForwardsInAscendingOrder() throws Exception {
        try (TestServer server = start(c -> { }); TestClient a = server.login("alice")) {
            long room = Chat.createRoom(a, "paging");
            chat(a, 1, 120);
            awaitStored(120);

            HistoryResponse latest = Chat.history(a, room, null, null, 0); // limit 0 = 50
            assertThat(latest.getResult()).isEqualTo(Result.OK);
            assertThat(latest.getRoomId()).isEqualTo(room);
            assertThat(Chat.seqs(latest.getMessagesList())).isEqualTo(Chat.range(71, 120));
            assertThat(latest.getHasMore()).isTrue();
            HistoryResponse back = Chat.history(a, room, 71L, null, 50);
            assertThat(Chat.seqs(back.getMessagesList())).isEqualTo(Chat.range(21, 70));
            assertThat(back.getHasMore()).isTrue();
            back = Chat.history(a, room, 21L, null, 50);
            assertThat(Chat.seqs(back.getMessagesList())).isEqualTo(Chat.range(1, 20));
            assertThat(back.getHasMore()).isFalse();
            assertThat(back.getMessages(0).getText()).isEqualTo("m1");
            assertThat(back.getMessages(0).getSender().getName()).isEqualTo("alice");

            HistoryResponse fwd = Chat.history(a, room, null, 0L, 50);
            assertThat(Chat.seqs(fwd.getMessagesList())).isEqualTo(Chat.range(1, 50));
            assertThat(fwd.getHasMore()).isTrue();
            fwd = Chat.history(a, room, null, 100L, 50);
            assertThat(Chat.seqs(fwd.getMessagesList())).isEqualTo(Chat.range(101, 120));
            assertThat(fwd.getHasMore()).isFalse();

            HistoryResponse between = Chat.history(a, room, 20L, 10L, 50);
            assertThat(Chat.seqs(between.getMessagesList())).isEqualTo(Chat.range(11, 19));
            assertThat(between.getHasMore()).isFalse();
            between = Chat.history(a, room, 20L, 10L, 5);
            assertThat(Chat.seqs(between.getMessagesList())).isEqualTo(Chat.range(11, 15));
            assertThat(between.getHasMore()).isTrue();

            assertThat(Chat.all(a, room)).extracting(ChatNotify::getSeq).isEqualTo(Chat.range(1, 120));
        }
    }

    @Test
    void limitIsCappedAtHistoryMax() throws Exception {
        try (TestServer server = start(c -> c.historyMax(100)); TestClient a = server.login("alice")) {
            long room = Chat.createRoom(a, "capped");
            chat(a, 1, 150);
            HistoryResponse r = Chat.history(a, room, null, null, 1000);
            assertThat(Chat.seqs(r.getMessagesList())).isEqualTo(Chat.range(51, 150));
            assertThat(r.getHasMore()).isTrue();
        }
    }

    @Test
    void aPageIsCutToOneFrame() throws Exception {
        try (TestServer server = start(c -> { }); TestClient a = server.login("alice")) {
            long room = Chat.createRoom(a, "big");
            String big = "x".repeat(4000);
            for (int i = 1; i <= 40; i++) {
                Chat.say(a, big + i, i);
            }
            Chat.receive(a, 40);
            HistoryResponse r = Chat.history(a, room, null, null, 40);
            assertThat(r.getSerializedSize()).isLessThan(65_535 - 4);
            int n = r.getMessagesCount();
            assertThat(n).isBetween(10, 16);
            assertThat(Chat.seqs(r.getMessagesList())).isEqualTo(Chat.range(41 - n, 40));
            assertThat(r.getHasMore()).isTrue();
        }
    }

    @Test
    void historyMergesTheDatabaseWithMessagesNotYetStored() throws Exception {
        // the first 100 are stored; 30 more are sent and read at once, while (timing decides)
        // some or all of them still wait in the chat log's queue: the answer is the same
        try (TestServer server = start(c -> c.logFlushInterval(Duration.ofMillis(300)));
             TestClient a = server.login("alice")) {
            long room = Chat.createRoom(a, "merge");
            chat(a, 1, 100);
            awaitStored(100);
            chat(a, 101, 30);
            HistoryResponse r = Chat.history(a, room, null, null, 50);
            assertThat(r.getResult()).isEqualTo(Result.OK);
            assertThat(Chat.seqs(r.getMessagesList())).isEqualTo(Chat.range(81, 130));
            r = Chat.history(a, room, null, 90L, 50);
            assertThat(Chat.seqs(r.getMessagesList())).isEqualTo(Chat.range(91, 130));
            assertThat(r.getHasMore()).isFalse();
        }
    }

    @Test
    void onlyMembersReadAnAdHocRoomAndAnyoneAPermanentOne() throws Exception {
        try (TestServer server = start(c -> c.permanentRooms(List.of("lobby")));
             TestClient a = server.login("alice");
             TestClient b = server.login("bob")) {
            long room = Chat.createRoom(a, "private");
            chat(a, 1, 3);
            assertThat(Chat.history(b, room, null, null, 10).getResult()).isEqualTo(Result.NOT_IN_ROOM);
            assertThat(Chat.history(b, 999_999, null, null, 10).getResult()).isEqualTo(Result.ROOM_NOT_FOUND);
            assertThat(Chat.history(a, room, 5L, 5L, 10).getResult()).isEqualTo(Result.INVALID_REQUEST);

            long lobby = Chat.room(b, "lobby").getRoomId();
            Chat.join(b, lobby);
            chat(b, 1, 5);
            HistoryResponse r = Chat.history(a, lobby, null, null, 10);
            assertThat(r.getResult()).isEqualTo(Result.OK);
            assertThat(Chat.seqs(r.getMessagesList())).isEqualTo(Chat.range(1, 5));
        }
    }

    @Test
    void aJoinGetsTheLastMessages() throws Exception {
        try (TestServer server = start(c -> { });
             TestClient a = server.login("alice");
             TestClient b = server.login("bob")) {
            long room = Chat.createRoom(a, "recent");
            chat(a, 1, 35);
            JoinRoomResponse join = Chat.join(b, room);
            assertThat(Chat.seqs(join.getRecentList())).isEqualTo(Chat.range(16, 35));
            assertThat(join.getHasGap()).isFalse();
            chat(a, 36, 1);
            assertThat(b.expectSkipping(ChatNotify.class).getSeq()).isEqualTo(36);
        }
    }

    @Test
    void resumeWithoutAGapGetsExactlyTheMissedMessages() throws Exception {
        try (TestServer server = start(c -> { }); TestClient a = server.login("alice")) {
            long room = Chat.createRoom(a, "resume");
            TestClient b = server.login("bob");
            Chat.join(b, room);
            chat(a, 1, 5);
            assertThat(Chat.seqs(Chat.receive(b, 5))).isEqualTo(Chat.range(1, 5));
            b.close(); // the connection drops

            chat(a, 6, 10);
            try (TestClient b2 = server.login("bob")) {
                JoinRoomResponse join = Chat.rejoin(b2, room, 5);
                assertThat(Chat.seqs(join.getRecentList())).isEqualTo(Chat.range(6, 15));
                assertThat(join.getHasGap()).isFalse();
                chat(a, 16, 1);
                assertThat(b2.expectSkipping(ChatNotify.class).getSeq()).isEqualTo(16);

                // seen everything: nothing again
                b2.send(dev.parley.protocol.pb.LeaveRoomRequest.getDefaultInstance());
                b2.expectSkipping(dev.parley.protocol.pb.LeaveRoomResponse.class);
                join = Chat.rejoin(b2, room, 16);
                assertThat(join.getRecentList()).isEmpty();
                assertThat(join.getHasGap()).isFalse();
            }
        }
    }

    @Test
    void resumeWithAGapPagesTheRestFromHistory() throws Exception {
        try (TestServer server = start(c -> { }); TestClient a = server.login("alice")) {
            long room = Chat.createRoom(a, "gap");
            chat(a, 1, 5);
            chat(a, 6, 60);
            awaitStored(65);
            try (TestClient b = server.login("bob")) {
                JoinRoomResponse join = Chat.rejoin(b, room, 5);
                assertThat(Chat.seqs(join.getRecentList())).isEqualTo(Chat.range(46, 65));
                assertThat(join.getHasGap()).isTrue();
                HistoryResponse gap = Chat.history(b, room, join.getRecent(0).getSeq(), 5L, 200);
                assertThat(Chat.seqs(gap.getMessagesList())).isEqualTo(Chat.range(6, 45));
                assertThat(gap.getHasMore()).isFalse();
            }
        }
    }

    @Test
    void aClientThatReconnectsDuringAStreamSeesNoGapAndNoDuplicate() throws Exception {
        int total = 400;
        try (TestServer server = start(c -> { }); TestClient a = server.login("alice")) {
            long room = Chat.createRoom(a, "stream");
            TestClient b = server.login("bob");
            Chat.join(b, room);
            CountDownLatch dropped = new CountDownLatch(1);
            Thread sender = new Thread(() -> {
                for (int i = 1; i <= total; i++) {
                    Chat.say(a, "s" + i, i);
                    if (i == 50) {
                        try {
                            dropped.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (i % 10 == 0) {
                        Chat.receive(a, 10); // pace the stream by its own echo
                    }
                }
            });
            sender.start();
            List<ChatNotify> seen = new ArrayList<>(Chat.receive(b, 30));
            b.close();
            dropped.countDown();
            long lastSeen = seen.get(seen.size() - 1).getSeq();
            try (TestClient b2 = server.login("bob")) {
                JoinRoomResponse join = Chat.rejoin(b2, room, lastSeen);
                // live notices keep coming while history pages are read: keep them, in order
                List<ChatNotify> live = new ArrayList<>();
                List<ChatNotify> resumed = new ArrayList<>();
                if (join.getHasGap()) {
                    long after = lastSeen;
                    while (true) {
                        b2.send(HistoryRequest.newBuilder().setRoomId(room).setAfterSeq(after)
                                .setBeforeSeq(join.getRecent(0).getSeq()).setLimit(200).build());
                        HistoryResponse page = nextPage(b2, live);
                        resumed.addAll(page.getMessagesList());
                        if (!page.getHasMore()) {
                            break;
                        }
                        after = page.getMessages(page.getMessagesCount() - 1).getSeq();
                    }
                }
                resumed.addAll(join.getRecentList());
                resumed.addAll(live);
                long lastResumed = resumed.isEmpty() ? lastSeen : resumed.get(resumed.size() - 1).getSeq();
                resumed.addAll(Chat.receive(b2, (int) (total - lastResumed)));
                seen.addAll(resumed);
                assertThat(Chat.seqs(seen)).isEqualTo(Chat.range(1, total));
            }
            sender.join(10_000);
        }
    }

    /** The next HistoryResponse; chat notices that arrive first are added to {@code live}. */
    static HistoryResponse nextPage(TestClient c, List<ChatNotify> live) {
        while (true) {
            var m = c.next();
            if (m instanceof HistoryResponse r) {
                return r;
            }
            if (m instanceof ChatNotify n) {
                live.add(n);
            }
        }
    }
}
