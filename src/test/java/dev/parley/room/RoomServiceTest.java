package dev.parley.room;

import com.google.protobuf.MessageLite;
import dev.parley.cluster.LocalRoomDirectory;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.EditMessageResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomListResponse;
import dev.parley.session.ClientSession;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Room rules without sockets: sessions on EmbeddedChannels, job queues run inline, replies
 * decoded from what each channel wrote.
 */
class RoomServiceTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ServerMetrics metrics = new ServerMetrics(meters);
    private final RoomService rooms = new RoomService(RoomContext.unlogged(new LocalRoomDirectory(0), metrics),
            ImmediateEventExecutor.INSTANCE, new RoomService.Limits(3, 16, 4, 2));
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private long nextId = 1;

    @AfterEach
    void releaseChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private ClientSession player(String name) {
        EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        ClientSession s = new ClientSession(ch, metrics, 0);
        s.bind(nextId++, name);
        return s;
    }

    private List<MessageLite> received(ClientSession s) {
        // every embedded channel has a loop of its own; the batched flush may wait on any of them
        channels.forEach(EmbeddedChannel::runPendingTasks);
        return Wire.written((EmbeddedChannel) s.channel());
    }

    private <T extends MessageLite> T only(ClientSession s, Class<T> type) {
        List<MessageLite> got = received(s);
        assertThat(got).hasSize(1).first().isInstanceOf(type);
        return type.cast(got.get(0));
    }

    private long create(ClientSession s, String name) {
        rooms.create(s, CreateRoomRequest.newBuilder().setName(name).build());
        CreateRoomResponse r = only(s, CreateRoomResponse.class);
        assertThat(r.getResult()).isEqualTo(Result.OK);
        return r.getRoom().getRoomId();
    }

    private void join(ClientSession s, long roomId) {
        rooms.join(s, JoinRoomRequest.newBuilder().setRoomId(roomId).build());
    }

    @Test
    void creatorIsTheOnlyMemberOfANewRoomWithTheDefaultMaximum() {
        ClientSession alice = player("alice");
        rooms.create(alice, CreateRoomRequest.newBuilder().setName("TestRoom").build());
        CreateRoomResponse r = only(alice, CreateRoomResponse.class);
        assertThat(r.getResult()).isEqualTo(Result.OK);
        assertThat(r.getRoom().getName()).isEqualTo("TestRoom");
        assertThat(r.getRoom().getMaxMembers()).isEqualTo(3);
        assertThat(r.getRoom().getMemberCount()).isEqualTo(1);
        assertThat(r.getMembersList()).containsExactly(alice.member());
    }

    @Test
    void alreadyInRoomOnlyForTheSameRoomAndTooManyRoomsPastTheLimit() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        long r1 = create(alice, "one");
        long r2 = create(bob, "two");
        long r3 = create(player("carol"), "three");
        join(alice, r1);
        JoinRoomResponse again = only(alice, JoinRoomResponse.class);
        assertThat(again.getResult()).isEqualTo(Result.ALREADY_IN_ROOM);
        assertThat(again.getReason()).contains("one");
        join(alice, r2);
        assertThat(only(alice, JoinRoomResponse.class).getResult()).isEqualTo(Result.OK);
        received(bob);
        // the limit is 2 rooms per player (Limits above)
        join(alice, r3);
        JoinRoomResponse tooMany = only(alice, JoinRoomResponse.class);
        assertThat(tooMany.getResult()).isEqualTo(Result.TOO_MANY_ROOMS);
        assertThat(tooMany.getReason()).contains("2 rooms");
        rooms.create(alice, CreateRoomRequest.newBuilder().setName("four").build());
        assertThat(only(alice, CreateRoomResponse.class).getResult()).isEqualTo(Result.TOO_MANY_ROOMS);
        assertThat(alice.rooms().size()).isEqualTo(2);
    }

    @Test
    void roomIdZeroNamesTheOnlyRoomAndIsRefusedWithSeveral() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        long r1 = create(alice, "one");
        rooms.chat(alice, ChatRequest.newBuilder().setText("only").setClientMsgId(1).build(), 0);
        assertThat(only(alice, ChatNotify.class).getRoomId()).isEqualTo(r1);
        long r2 = create(bob, "two");
        join(alice, r2);
        received(alice);
        received(bob);
        rooms.chat(alice, ChatRequest.newBuilder().setText("where?").setClientMsgId(2).build(), 0);
        ErrorNotify which = only(alice, ErrorNotify.class);
        assertThat(which.getResult()).isEqualTo(Result.INVALID_REQUEST);
        assertThat(which.getReason()).contains("room_id");
        assertThat(which.getClientMsgId()).isEqualTo(2);
        rooms.leave(alice, LeaveRoomRequest.getDefaultInstance());
        LeaveRoomResponse leave = only(alice, LeaveRoomResponse.class);
        assertThat(leave.getResult()).isEqualTo(Result.INVALID_REQUEST);
        assertThat(leave.getReason()).contains("room_id");
        assertThat(received(bob)).as("nothing reached the other room").isEmpty();

        rooms.chat(alice, ChatRequest.newBuilder().setText("two").setRoomId(r2).build(), 0);
        assertThat(only(bob, ChatNotify.class).getRoomId()).isEqualTo(r2);
        received(alice);
        rooms.leave(alice, LeaveRoomRequest.newBuilder().setRoomId(r1).build());
        assertThat(only(alice, LeaveRoomResponse.class).getRoomId()).isEqualTo(r1);
        // in one room again: 0 names it
        rooms.chat(alice, ChatRequest.newBuilder().setText("back to one").build(), 0);
        assertThat(only(alice, ChatNotify.class).getRoomId()).isEqualTo(r2);
        received(bob);
        rooms.chat(alice, ChatRequest.newBuilder().setText("gone").setRoomId(r1).build(), 0);
        ErrorNotify notIn = only(alice, ErrorNotify.class);
        assertThat(notIn.getResult()).isEqualTo(Result.NOT_IN_ROOM);
        assertThat(notIn.getReason()).contains(Long.toString(r1));
    }

    @Test
    void disconnectLeavesEveryRoom() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        ClientSession carol = player("carol");
        long r1 = create(bob, "one");
        long r2 = create(carol, "two");
        join(alice, r1);
        join(alice, r2);
        received(alice);
        received(bob);
        received(carol);
        rooms.disconnected(alice);
        assertThat(alice.rooms().size()).isZero();
        assertThat(only(bob, MemberLeftNotify.class).getRoomId()).isEqualTo(r1);
        assertThat(only(carol, MemberLeftNotify.class).getRoomId()).isEqualTo(r2);
    }

    @Test
    void aResendWithinTheWindowIsAnsweredToItsSenderAloneAndNotSaidAgain() {
        long[] now = {1_000_000};
        RoomService deduping = new RoomService(RoomContext.unlogged(new LocalRoomDirectory(0), metrics)
                .withDedup(java.time.Duration.ofMinutes(10), () -> now[0]),
                ImmediateEventExecutor.INSTANCE, new RoomService.Limits(3, 16, 4, 2));
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        deduping.create(alice, CreateRoomRequest.newBuilder().setName("r").build());
        long id = only(alice, CreateRoomResponse.class).getRoom().getRoomId();
        deduping.join(bob, JoinRoomRequest.newBuilder().setRoomId(id).build());
        received(alice);
        received(bob);
        ChatRequest hello = ChatRequest.newBuilder().setText("hello").setClientMsgId(42).build();
        deduping.chat(alice, hello, 0);
        ChatNotify original = only(alice, ChatNotify.class);
        assertThat(only(bob, ChatNotify.class)).isEqualTo(original);

        now[0] += 60_000;
        deduping.chat(alice, hello, 0);
        assertThat(only(alice, ChatNotify.class)).as("the original again, same seq and time").isEqualTo(original);
        assertThat(received(bob)).as("not broadcast again").isEmpty();
        assertThat(meters.get("parley.chat.resends").counter().count()).isEqualTo(1);

        // the same id with another text is a new message, not a resend
        deduping.chat(alice, hello.toBuilder().setText("hello again").build(), 0);
        assertThat(only(bob, ChatNotify.class).getSeq()).isEqualTo(original.getSeq() + 1);
        received(alice);

        // past the window the id is forgotten: the same request is a new message
        now[0] += 10 * 60_000;
        deduping.chat(alice, hello, 0);
        assertThat(only(bob, ChatNotify.class).getSeq()).isEqualTo(original.getSeq() + 2);
        received(alice);
        // id 0 is never deduplicated
        ChatRequest anonymous = ChatRequest.newBuilder().setText("no id").build();
        deduping.chat(alice, anonymous, 0);
        deduping.chat(alice, anonymous, 0);
        assertThat(received(bob)).hasSize(2);
    }

    @Test
    void anEditPastTheWindowIsRefusedAndAModeratorMayDeleteButNotEdit() {
        long[] now = {1_000_000};
        RoomService editing = new RoomService(RoomContext.unlogged(new LocalRoomDirectory(0), metrics)
                .withEditWindow(java.time.Duration.ofMinutes(15), () -> now[0]),
                ImmediateEventExecutor.INSTANCE, new RoomService.Limits(3, 16, 4, 2));
        ClientSession alice = player("alice");
        ClientSession mod = player("mod");
        editing.create(alice, CreateRoomRequest.newBuilder().setName("r").build());
        long id = only(alice, CreateRoomResponse.class).getRoom().getRoomId();
        editing.join(mod, JoinRoomRequest.newBuilder().setRoomId(id).build());
        received(alice);
        received(mod);
        editing.chat(alice, ChatRequest.newBuilder().setText("hello").build(), 0);
        long seq = only(mod, ChatNotify.class).getSeq();
        received(alice);

        now[0] += 15 * 60_000; // exactly the window: still allowed
        editing.editMessage(alice, EditMessageRequest.newBuilder().setRoomId(id).setSeq(seq).setText("hi").build());
        assertThat(only(mod, ChatNotify.class).getKind()).isEqualTo(ChatKind.CHAT_KIND_EDIT);
        assertThat(editResult(alice)).isEqualTo(Result.OK);
        now[0] += 1;
        editing.editMessage(alice, EditMessageRequest.newBuilder().setRoomId(id).setSeq(seq).setText("hey").build());
        assertThat(editResult(alice)).isEqualTo(Result.EDIT_WINDOW_PASSED);
        assertThat(received(mod)).as("nothing numbered").isEmpty();

        editing.editMessage(mod, EditMessageRequest.newBuilder().setRoomId(id).setSeq(seq).setText("x").build());
        assertThat(only(mod, EditMessageResponse.class).getResult()).isEqualTo(Result.NOT_ALLOWED);
        DeleteMessageRequest delete = DeleteMessageRequest.newBuilder().setRoomId(id).setSeq(seq).build();
        editing.deleteMessage(mod, delete, Room.ModeratorRule.NOBODY, RoomService.DeleteAudit.NONE);
        assertThat(only(mod, DeleteMessageResponse.class).getResult()).isEqualTo(Result.NOT_ALLOWED);
        editing.deleteMessage(mod, delete, Room.ModeratorRule.SERVER, RoomService.DeleteAudit.NONE);
        List<MessageLite> got = received(mod);
        assertThat(got).hasSize(2);
        ChatNotify event = (ChatNotify) got.get(0);
        assertThat(event.getKind()).isEqualTo(ChatKind.CHAT_KIND_DELETE);
        assertThat(event.getTargetSeq()).isEqualTo(seq);
        assertThat(event.getSender()).isEqualTo(mod.member());
        assertThat(((DeleteMessageResponse) got.get(1)).getSeq()).isEqualTo(event.getSeq());
    }

    @Test
    void theRoomTellsTheModeratorRuleWhetherTheDeleterCreatedItAndOnlyDeletesOfOthersAreAudited() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        long id = create(alice, "alice's room");
        join(bob, id);
        received(alice);
        rooms.chat(bob, ChatRequest.newBuilder().setText("bob's words").build(), 0);
        long seq = only(alice, ChatNotify.class).getSeq();
        received(bob);
        Room.ModeratorRule creatorsModerateAdHocRooms = (permanent, byCreator) -> !permanent && byCreator;
        List<String> audited = new ArrayList<>();
        RoomService.DeleteAudit audit = (roomId, s, author, reason) -> audited.add(roomId + "/" + s + " " + author + ": " + reason);

        rooms.deleteMessage(bob, DeleteMessageRequest.newBuilder().setRoomId(id).setSeq(seq).build(),
                creatorsModerateAdHocRooms, audit); // bob's own: always, and no moderation action
        assertThat(received(bob)).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(DeleteMessageResponse.class,
                r -> assertThat(r.getResult()).isEqualTo(Result.OK)));
        received(alice);
        rooms.chat(bob, ChatRequest.newBuilder().setText("more words").build(), 0);
        long second = only(alice, ChatNotify.class).getSeq();
        received(bob);
        assertThat(audited).isEmpty();
        rooms.deleteMessage(alice, DeleteMessageRequest.newBuilder().setRoomId(id).setSeq(second).setReason("no").build(),
                creatorsModerateAdHocRooms, audit);
        assertThat(received(alice)).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(DeleteMessageResponse.class,
                r -> assertThat(r.getResult()).isEqualTo(Result.OK)));
        received(bob); // the delete event

        rooms.chat(alice, ChatRequest.newBuilder().setText("alice's words").build(), 0);
        long third = only(bob, ChatNotify.class).getSeq();
        received(alice);
        rooms.deleteMessage(bob, DeleteMessageRequest.newBuilder().setRoomId(id).setSeq(third).build(),
                creatorsModerateAdHocRooms, audit); // bob did not create the room
        assertThat(only(bob, DeleteMessageResponse.class).getResult()).isEqualTo(Result.NOT_ALLOWED);
        assertThat(audited).containsExactly(id + "/" + second + " bob: no");
    }

    private Result editResult(ClientSession s) {
        return received(s).stream().filter(EditMessageResponse.class::isInstance).map(EditMessageResponse.class::cast)
                .findFirst().orElseThrow().getResult();
    }

    @Test
    void aSystemMessageCannotBeEditedAndEditTextIsCheckedLikeChat() throws Exception {
        ClientSession alice = player("alice");
        long id = create(alice, "r");
        assertThat(rooms.postSystem(id, "game", "welcome").get().result()).isEqualTo(Result.OK);
        long seq = only(alice, ChatNotify.class).getSeq();
        rooms.editMessage(alice, EditMessageRequest.newBuilder().setRoomId(id).setSeq(seq).setText("x").build());
        assertThat(only(alice, EditMessageResponse.class).getResult()).isEqualTo(Result.NOT_ALLOWED);
        rooms.editMessage(alice, EditMessageRequest.newBuilder().setRoomId(id).setSeq(seq).setText("").build());
        assertThat(only(alice, EditMessageResponse.class).getResult()).isEqualTo(Result.INVALID_REQUEST);
        rooms.deleteMessage(alice, DeleteMessageRequest.newBuilder().setRoomId(id + 1).setSeq(seq).build(), Room.ModeratorRule.SERVER,
                RoomService.DeleteAudit.NONE);
        assertThat(only(alice, DeleteMessageResponse.class).getResult()).isEqualTo(Result.NOT_IN_ROOM);
    }

    @Test
    void joinListsEveryMemberAndNotifiesTheOthers() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        ClientSession carol = player("carol");
        long id = create(alice, "r");
        join(bob, id);
        only(alice, MemberJoinedNotify.class);
        received(bob);
        join(carol, id);
        JoinRoomResponse r = only(carol, JoinRoomResponse.class);
        assertThat(r.getResult()).isEqualTo(Result.OK);
        assertThat(r.getMembersList()).containsExactly(alice.member(), bob.member(), carol.member());
        assertThat(r.getRoom().getMemberCount()).isEqualTo(3);
        assertThat(only(alice, MemberJoinedNotify.class).getMember()).isEqualTo(carol.member());
        assertThat(only(bob, MemberJoinedNotify.class).getMember()).isEqualTo(carol.member());
    }

    @Test
    void joinRefusesUnknownAndFullRooms() {
        ClientSession alice = player("alice");
        join(alice, 999);
        JoinRoomResponse unknown = only(alice, JoinRoomResponse.class);
        assertThat(unknown.getResult()).isEqualTo(Result.ROOM_NOT_FOUND);
        assertThat(alice.rooms().size()).isZero();

        long id = create(alice, "small");
        join(player("bob"), id);
        join(player("carol"), id);
        ClientSession dave = player("dave");
        join(dave, id);
        JoinRoomResponse full = only(dave, JoinRoomResponse.class);
        assertThat(full.getResult()).isEqualTo(Result.ROOM_FULL);
        assertThat(full.getReason()).contains("full");
        // a refused join leaves the player free to go elsewhere
        assertThat(dave.rooms().size()).isZero();
        rooms.create(dave, CreateRoomRequest.newBuilder().setName("own").build());
        assertThat(only(dave, CreateRoomResponse.class).getResult()).isEqualTo(Result.OK);
    }

    @Test
    void createValidatesNameAndMaximum() {
        ClientSession alice = player("alice");
        rooms.create(alice, CreateRoomRequest.newBuilder().setName("").build());
        assertThat(only(alice, CreateRoomResponse.class).getResult()).isEqualTo(Result.INVALID_REQUEST);
        rooms.create(alice, CreateRoomRequest.newBuilder().setName("bad\u0007name").build());
        assertThat(only(alice, CreateRoomResponse.class).getResult()).isEqualTo(Result.INVALID_REQUEST);
        rooms.create(alice, CreateRoomRequest.newBuilder().setName("big").setMaxMembers(4).build());
        assertThat(only(alice, CreateRoomResponse.class).getReason()).contains("at most 3");
        rooms.create(alice, CreateRoomRequest.newBuilder().setName("ok").setMaxMembers(2).build());
        assertThat(only(alice, CreateRoomResponse.class).getRoom().getMaxMembers()).isEqualTo(2);
    }

    @Test
    void theRoomLimitGivesServerBusy() {
        create(player("a"), "one");
        create(player("b"), "two");
        create(player("c"), "three");
        create(player("d"), "four");
        ClientSession c = player("e");
        rooms.create(c, CreateRoomRequest.newBuilder().setName("five").build());
        assertThat(only(c, CreateRoomResponse.class).getResult()).isEqualTo(Result.SERVER_BUSY);
    }

    @Test
    void chatIsNumberedPerRoomAndReachesEveryMemberSenderIncluded() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        long id = create(alice, "r");
        join(bob, id);
        received(alice);
        received(bob);
        for (int i = 1; i <= 3; i++) {
            rooms.chat(i % 2 == 0 ? bob : alice, ChatRequest.newBuilder().setText("m" + i).setClientMsgId(100 + i).build(), 0);
        }
        for (ClientSession s : List.of(alice, bob)) {
            List<MessageLite> got = received(s);
            assertThat(got).hasSize(3).allMatch(m -> m instanceof ChatNotify);
            for (int i = 0; i < 3; i++) {
                ChatNotify n = (ChatNotify) got.get(i);
                assertThat(n.getSeq()).isEqualTo(i + 1);
                assertThat(n.getRoomId()).isEqualTo(id);
                assertThat(n.getText()).isEqualTo("m" + (i + 1));
                assertThat(n.getClientMsgId()).isEqualTo(101 + i);
                assertThat(n.getSender()).isEqualTo(i % 2 == 1 ? bob.member() : alice.member());
                assertThat(n.getServerTimeMs()).isPositive();
            }
        }
        assertThat(meters.get("parley.deliveries").counter().count()).isEqualTo(1 + 6); // joined notice + 3 x 2
    }

    @Test
    void chatOutsideARoomOrWithBadTextIsRefusedWithTheClientMsgId() {
        ClientSession alice = player("alice");
        rooms.chat(alice, ChatRequest.newBuilder().setText("hi").setClientMsgId(7).build(), 0);
        ErrorNotify e = only(alice, ErrorNotify.class);
        assertThat(e.getResult()).isEqualTo(Result.NOT_IN_ROOM);
        assertThat(e.getClientMsgId()).isEqualTo(7);

        create(alice, "r");
        rooms.chat(alice, ChatRequest.newBuilder().setText("").setClientMsgId(8).build(), 0);
        assertThat(only(alice, ErrorNotify.class)).extracting(ErrorNotify::getResult, ErrorNotify::getClientMsgId)
                .containsExactly(Result.INVALID_REQUEST, 8L);
        // the limit is 16 bytes of UTF-8: 8 two-byte characters fit, 9 do not
        rooms.chat(alice, ChatRequest.newBuilder().setText("é".repeat(9)).setClientMsgId(9).build(), 0);
        assertThat(only(alice, ErrorNotify.class).getReason()).contains("18 bytes").contains("16");
        rooms.chat(alice, ChatRequest.newBuilder().setText("é".repeat(8)).setClientMsgId(10).build(), 0);
        assertThat(only(alice, ChatNotify.class).getSeq()).isEqualTo(1);
    }

    @Test
    void leaveAnswersTheLeaverAndNotifiesTheRest() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        long id = create(alice, "r");
        join(bob, id);
        received(alice);
        received(bob);
        rooms.leave(bob, LeaveRoomRequest.getDefaultInstance());
        assertThat(only(bob, LeaveRoomResponse.class).getResult()).isEqualTo(Result.OK);
        assertThat(only(alice, MemberLeftNotify.class).getMember()).isEqualTo(bob.member());
        rooms.leave(bob, LeaveRoomRequest.getDefaultInstance());
        assertThat(only(bob, LeaveRoomResponse.class).getResult()).isEqualTo(Result.NOT_IN_ROOM);
        // bob no longer receives the room's chat
        rooms.chat(alice, ChatRequest.newBuilder().setText("still here").build(), 0);
        assertThat(received(bob)).isEmpty();
    }

    @Test
    void disconnectLeavesSilentlyAndTheLastMemberTakesTheRoomAway() {
        ClientSession alice = player("alice");
        ClientSession bob = player("bob");
        long id = create(alice, "r");
        join(bob, id);
        received(alice);
        rooms.disconnected(bob);
        assertThat(only(alice, MemberLeftNotify.class).getMember().getName()).isEqualTo("bob");
        rooms.list(alice);
        assertThat(only(alice, RoomListResponse.class).getRoomsList()).hasSize(1);
        rooms.leave(alice, LeaveRoomRequest.getDefaultInstance());
        received(alice);
        rooms.list(alice);
        assertThat(only(alice, RoomListResponse.class).getRoomsList()).isEmpty();
        join(player("carol"), id);
        assertThat(rooms.directory().find(id)).isNull();
    }

    @Test
    void roomIdsAreNotReusedAfterARoomIsGone() {
        ClientSession alice = player("alice");
        long first = create(alice, "a");
        rooms.leave(alice, LeaveRoomRequest.getDefaultInstance());
        received(alice);
        assertThat(create(alice, "b")).isGreaterThan(first);
    }

    @Test
    void listShowsRoomsInIdOrderWithCounts() {
        ClientSession a = player("a");
        ClientSession b = player("b");
        long r1 = create(a, "first");
        long r2 = create(b, "second");
        ClientSession c = player("c");
        join(c, r2);
        received(c);
        rooms.list(c);
        RoomListResponse list = only(c, RoomListResponse.class);
        assertThat(list.getRoomsList()).extracting(ri -> ri.getRoomId()).containsExactly(r1, r2);
        assertThat(list.getRooms(1).getMemberCount()).isEqualTo(2);
    }

    @Test
    void roomStateIsTouchedOnlyOnTheRoomsJobQueue() throws Exception {
        DefaultEventExecutor queue = new DefaultEventExecutor();
        try {
            RoomContext context = RoomContext.unlogged(new LocalRoomDirectory(0), metrics);
            Room room = new Room(1, "confined", 3, queue, false, RoomSequence.startingAfter(0),
                    context.history().open(1), context);
            ClientSession alice = player("alice");
            // called from the test thread, not the room's executor: the confinement check trips
            assertThatThrownBy(() -> room.join(alice, JoinRoomRequest.getDefaultInstance()))
                    .isInstanceOf(AssertionError.class);
            // submitted, it runs on the queue and succeeds
            assertThat(room.submit(() -> room.join(alice, JoinRoomRequest.getDefaultInstance()))).isTrue();
            queue.submit(() -> { }).get(5, TimeUnit.SECONDS);
            assertThat(room.memberCount()).isEqualTo(1);
        } finally {
            queue.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
