package dev.parley.direct;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.chatlog.ChatLog;
import dev.parley.cluster.LocalPresence;
import dev.parley.content.BlockedWords;
import dev.parley.content.Names;
import dev.parley.history.HistoryService;
import dev.parley.history.MessageReader;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.EditMessageResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.Result;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import dev.parley.store.Database;
import dev.parley.store.DirectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edit window of direct messages on an injectable clock: the service on embedded H2, its
 * writer and reader run inline, players that record what they are sent.
 */
class DirectServiceTest {

    @TempDir
    Path dir;
    private Database db;
    private final long[] now = {1_000_000};
    private final LocalPresence presence = new LocalPresence();
    private DirectService direct;

    /** A logged-in player: its connection (for requests) and its presence (for deliveries). */
    private static final class Player implements DirectClient, OnlinePlayer {
        final Member member;
        final List<MessageLite> got = new ArrayList<>();
        BlockList blocks = BlockList.EMPTY;

        Player(Member member) {
            this.member = member;
        }

        @Override
        public Member member() {
            return member;
        }

        @Override
        public EventExecutor loop() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public synchronized void send(MessageLite message) {
            got.add(message);
        }

        @Override
        public BlockList blockList() {
            return blocks;
        }

        @Override
        public void blockList(BlockList blocks) {
            this.blocks = blocks;
        }

        @Override
        public long playerId() {
            return member.getPlayerId();
        }

        @Override
        public String name() {
            return member.getName();
        }

        @Override
        public CompletableFuture<Void> disconnect(Result result, String reason) {
            return CompletableFuture.completedFuture(null);
        }

        /** Everything sent since the last call. */
        synchronized List<MessageLite> received() {
            List<MessageLite> out = List.copyOf(got);
            got.clear();
            return out;
        }
    }

    @BeforeEach
    void open() {
        db = Database.open(Database.embeddedUrl(dir), null, null, 2);
        DirectService.Stores stores = DirectService.Stores.on(db);
        direct = new DirectService(stores, stores, presence,
                new HistoryService(ChatLog.off(), MessageReader.NONE, Runnable::run, HistoryService.DEFAULT_JOIN_HISTORY,
                        HistoryService.DEFAULT_HISTORY_MAX),
                new DirectService.Rules(100, BlockedWords.OFF, Duration.ofMinutes(15), () -> now[0]),
                new ServerMetrics(new SimpleMeterRegistry()), Runnable::run, Runnable::run);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Player online(String name) throws SQLException {
        Account a = new AccountStore(db).createOrGet(name, Names.skeleton(name), "hash");
        Player p = new Player(Member.newBuilder().setPlayerId(a.id()).setName(a.name()).build());
        presence.claim(name, p);
        return p;
    }

    private Result edit(Player by, String peer, long seq, String text) {
        direct.handle(by, EditMessageRequest.newBuilder().setPeerName(peer).setSeq(seq).setText(text).build());
        List<MessageLite> got = by.received();
        EditMessageResponse r = (EditMessageResponse) got.get(got.size() - 1);
        assertThat(got).hasSize(r.getResult() == Result.OK ? 2 : 1); // the event first, when there is one
        return r.getResult();
    }

    @Test
    void anEditIsAllowedUpToTheEditWindowAfterItsMessageAndADeleteAnyTimeAfter() throws SQLException {
        Player alice = online("alice");
        Player bob = online("bob");
        direct.handle(alice, DirectMessageRequest.newBuilder().setToName("bob").setText("hi").setClientMsgId(1).build());
        DirectMessageNotify sent = (DirectMessageNotify) bob.received().get(0);
        assertThat(sent.getServerTimeMs()).as("stamped by the service's clock").isEqualTo(now[0]);
        alice.received();

        now[0] += Duration.ofMinutes(15).toMillis(); // exactly the window: still allowed
        assertThat(edit(alice, "bob", sent.getSeq(), "hello")).isEqualTo(Result.OK);
        DirectMessageNotify event = (DirectMessageNotify) bob.received().get(0);
        assertThat(event.getKind()).isEqualTo(ChatKind.CHAT_KIND_EDIT);
        assertThat(event.getServerTimeMs()).isEqualTo(now[0]);

        now[0] += 1;
        assertThat(edit(alice, "bob", sent.getSeq(), "hey")).isEqualTo(Result.EDIT_WINDOW_PASSED);
        assertThat(bob.received()).as("nothing numbered or delivered").isEmpty();

        now[0] += Duration.ofDays(30).toMillis();
        direct.handle(alice, DeleteMessageRequest.newBuilder().setPeerName("bob").setSeq(sent.getSeq()).build());
        List<MessageLite> got = alice.received();
        assertThat(((DeleteMessageResponse) got.get(1)).getResult()).isEqualTo(Result.OK);
        assertThat(((DeleteMessageResponse) got.get(1)).getSeq()).isEqualTo(event.getSeq() + 1);
        assertThat(bob.received()).containsExactly(got.get(0));
    }

    @Test
    void refusalsFollowTheRoomRulesInTheirOrder() {
        Member alice = Member.newBuilder().setPlayerId(1).setName("alice").build();
        long t = 1_000_000;
        Duration window = Duration.ofMinutes(15);
        ChatKind edit = ChatKind.CHAT_KIND_EDIT;
        ChatKind delete = ChatKind.CHAT_KIND_DELETE;
        long late = t + window.toMillis() + 1;
        assertThat(DirectService.refusal(null, edit, 1, t, window, "m").result()).isEqualTo(Result.MESSAGE_NOT_FOUND);
        Targets targets = new Targets(alice.getPlayerId(), t);
        assertThat(DirectService.refusal(targets.event(), delete, 1, t, window, "m").result())
                .isEqualTo(Result.MESSAGE_NOT_FOUND);
        assertThat(DirectService.refusal(targets.tombstone(), delete, 1, t, window, "m").result())
                .isEqualTo(Result.MESSAGE_NOT_FOUND);
        assertThat(DirectService.refusal(targets.message(), delete, 2, t, window, "m").result())
                .isEqualTo(Result.NOT_ALLOWED);
        assertThat(DirectService.refusal(targets.message(), edit, 2, late, window, "m").result())
                .as("not the author comes before the window").isEqualTo(Result.NOT_ALLOWED);
        assertThat(DirectService.refusal(targets.message(), edit, 1, late, window, "m").result())
                .isEqualTo(Result.EDIT_WINDOW_PASSED);
        assertThat(DirectService.refusal(targets.message(), delete, 1, late, window, "m")).isNull();
        assertThat(DirectService.refusal(targets.edited(), edit, 1, t, window, "m")).as("edited again").isNull();
    }

    /** Targets as the store shows them, by one sender at one time. */
    private record Targets(long sender, long timeMs) {
        DirectStore.Target message() {
            return new DirectStore.Target(sender, timeMs, ChatKind.CHAT_KIND_MESSAGE, false);
        }

        DirectStore.Target edited() {
            return new DirectStore.Target(sender, timeMs, ChatKind.CHAT_KIND_EDIT, false);
        }

        DirectStore.Target tombstone() {
            return new DirectStore.Target(sender, timeMs, ChatKind.CHAT_KIND_DELETE, false);
        }

        DirectStore.Target event() {
            return new DirectStore.Target(sender, timeMs, ChatKind.CHAT_KIND_EDIT, true);
        }
    }
}
