package dev.parley.store;

import dev.parley.content.Names;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.Member;
import dev.parley.server.ServerConfig;
import dev.parley.testing.BackendContract;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direct-message and block stores on one database: one seq per conversation whichever side
 * sends, continued when the database is opened again; messages to a blocker withheld from it
 * and from its unread count; read marks that only move up; bounded block lists; edits and
 * deletes numbered as events that rewrite their message, checked against it as stored.
 */
abstract class DirectStoreContract extends BackendContract {

    private Database open() {
        ServerConfig.Builder b = ServerConfig.builder().dataDir(dir);
        backend.configure(b);
        ServerConfig.Storage c = b.build().storage();
        return Database.open(c.external() ? c.dbUrl() : Database.embeddedUrl(dir), c.dbUser(), null, 2);
    }

    private static Member account(Database db, String name) throws SQLException {
        Account a = new AccountStore(db).createOrGet(name, Names.skeleton(name), "hash");
        return Member.newBuilder().setPlayerId(a.id()).setName(a.name()).build();
    }

    private static List<Long> seqs(List<DirectMessageNotify> page) {
        return page.stream().map(DirectMessageNotify::getSeq).toList();
    }

    @Test
    void aConversationIsNumberedOnceForBothSidesAndContinuesAfterReopening() throws SQLException {
        Member alice;
        Member bob;
        try (Database db = open()) {
            alice = account(db, "alice");
            bob = account(db, "bob");
            Member carol = account(db, "carol");
            DirectStore store = new DirectStore(db);
            assertThat(store.send(alice.getPlayerId(), bob.getPlayerId(), "hi", 1, 1000, false).seq()).isEqualTo(1);
            assertThat(store.send(bob.getPlayerId(), alice.getPlayerId(), "hello", 2, 1001, false).seq()).isEqualTo(2);
            assertThat(store.send(alice.getPlayerId(), carol.getPlayerId(), "other", 3, 1002, false).seq()).isEqualTo(1);
        }
        try (Database db = open()) {
            DirectStore store = new DirectStore(db);
            assertThat(store.send(bob.getPlayerId(), alice.getPlayerId(), "again", 4, 1003, false).seq()).isEqualTo(3);
            List<DirectMessageNotify> all = store.range(alice, bob, 0, Long.MAX_VALUE, 10, true);
            assertThat(seqs(all)).containsExactly(1L, 2L, 3L);
            assertThat(all.get(0).getSender()).isEqualTo(alice);
            assertThat(all.get(0).getRecipient()).isEqualTo(bob);
            assertThat(all.get(1).getSender()).isEqualTo(bob);
            assertThat(all.get(1).getText()).isEqualTo("hello");
            assertThat(all.get(1).getClientMsgId()).isEqualTo(2);
            assertThat(all.get(1).getServerTimeMs()).isEqualTo(1001);
        }
    }

    /** Two writers (cluster nodes) starting a conversation at once: both first messages race to create it. */
    @Test
    void twoWritersStartingAConversationAtOnceNumberItOnce() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try (Database db = open()) {
            DirectStore store = new DirectStore(db);
            for (int pair = 0; pair < 10; pair++) {
                Member x = account(db, "wa" + pair);
                Member y = account(db, "wb" + pair);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<List<Long>>> sides = new ArrayList<>();
                for (Member[] side : new Member[][]{{x, y}, {y, x}}) {
                    sides.add(writers.submit(() -> {
                        start.await();
                        List<Long> seqs = new ArrayList<>();
                        for (int i = 1; i <= 5; i++) {
                            seqs.add(store.send(side[0].getPlayerId(), side[1].getPlayerId(), "m" + i, i, 1000, false)
                                    .seq());
                        }
                        return seqs;
                    }));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> f : sides) {
                    all.addAll(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(all).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
                assertThat(seqs(store.range(x, y, 0, Long.MAX_VALUE, 20, true)))
                        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void unreadCountsThePeersMessagesAboveTheReadMarkWhichOnlyMovesUp() throws SQLException {
        try (Database db = open()) {
            Member alice = account(db, "alice");
            Member bob = account(db, "bob");
            DirectStore store = new DirectStore(db);
            for (int i = 1; i <= 3; i++) {
                store.send(alice.getPlayerId(), bob.getPlayerId(), "m" + i, i, 1000 + i, false);
            }
            store.send(bob.getPlayerId(), alice.getPlayerId(), "reply", 9, 2000, false);
            store.send(alice.getPlayerId(), bob.getPlayerId(), "live", 10, 2001, true); // read on delivery
            assertThat(store.conversations(bob.getPlayerId(), 10)).containsExactly(
                    new DirectStore.ConversationRow(alice.getPlayerId(), "alice", 5, 0));
            store.send(alice.getPlayerId(), bob.getPlayerId(), "offline", 11, 2002, false);
            assertThat(store.conversations(bob.getPlayerId(), 10)).containsExactly(
                    new DirectStore.ConversationRow(alice.getPlayerId(), "alice", 6, 1));
            assertThat(store.conversations(alice.getPlayerId(), 10)).containsExactly(
                    new DirectStore.ConversationRow(bob.getPlayerId(), "bob", 6, 0));
            store.markRead(bob.getPlayerId(), alice.getPlayerId(), 6);
            store.markRead(bob.getPlayerId(), alice.getPlayerId(), 2); // never down
            assertThat(store.conversations(bob.getPlayerId(), 10).get(0).unread()).isZero();
        }
    }

    @Test
    void messagesToABlockerAreWithheldFromItButNotFromTheSender() throws SQLException {
        try (Database db = open()) {
            Member alice = account(db, "alice");
            Member bob = account(db, "bob");
            DirectStore store = new DirectStore(db);
            BlockStore blocks = new BlockStore(db);
            store.send(alice.getPlayerId(), bob.getPlayerId(), "before", 1, 1000, false);
            assertThat(blocks.add(bob.getPlayerId(), alice.getPlayerId(), 10)).isEqualTo(BlockStore.Added.ADDED);
            DirectStore.Sent withheld = store.send(alice.getPlayerId(), bob.getPlayerId(), "blocked", 2, 1001, true);
            assertThat(withheld.withheld()).isTrue();
            assertThat(withheld.seq()).isEqualTo(2);
            assertThat(seqs(store.range(bob, alice, 0, Long.MAX_VALUE, 10, true))).containsExactly(1L);
            assertThat(seqs(store.range(alice, bob, 0, Long.MAX_VALUE, 10, true))).containsExactly(1L, 2L);
            assertThat(store.conversations(bob.getPlayerId(), 10).get(0).unread()).isEqualTo(1); // "before" only
            assertThat(blocks.remove(bob.getPlayerId(), alice.getPlayerId())).isTrue();
            assertThat(store.send(alice.getPlayerId(), bob.getPlayerId(), "after", 3, 1002, false).withheld()).isFalse();
            assertThat(seqs(store.range(bob, alice, 0, Long.MAX_VALUE, 10, true))).containsExactly(1L, 3L);
        }
    }

    @Test
    void rangeReadsAWindowForwardsOrBackwards() throws SQLException {
        try (Database db = open()) {
            Member alice = account(db, "alice");
            Member bob = account(db, "bob");
            DirectStore store = new DirectStore(db);
            for (int i = 1; i <= 10; i++) {
                store.send(alice.getPlayerId(), bob.getPlayerId(), "m" + i, i, 1000 + i, false);
            }
            assertThat(seqs(store.range(bob, alice, 0, Long.MAX_VALUE, 3, false))).containsExactly(8L, 9L, 10L);
            assertThat(seqs(store.range(bob, alice, 0, 8, 3, false))).containsExactly(5L, 6L, 7L);
            assertThat(seqs(store.range(bob, alice, 4, Long.MAX_VALUE, 3, true))).containsExactly(5L, 6L, 7L);
            assertThat(seqs(store.range(bob, alice, 4, 6, 3, true))).containsExactly(5L);
            assertThat(store.range(bob, alice, 5, 6, 3, true)).isEmpty();
        }
    }

    private static final ChatKind EDIT = ChatKind.CHAT_KIND_EDIT;
    private static final ChatKind DELETE = ChatKind.CHAT_KIND_DELETE;

    /** What a change's check was shown: the target as the requester may see it (null entries: none). */
    private static DirectStore.Target seen(DirectStore store, Member by, Member peer, long seq) throws SQLException {
        List<DirectStore.Target> seen = new ArrayList<>();
        DirectStore.Changed<String> c = store.change(by.getPlayerId(), peer.getPlayerId(), seq, EDIT, "x", 5000, t -> {
            seen.add(t);
            return "looked only";
        });
        assertThat(c.refusal()).isEqualTo("looked only");
        assertThat(seen).hasSize(1);
        return seen.get(0);
    }

    @Test
    void anEditOrDeleteIsNumberedInTheConversationAndLeavesItsMessageInItsFinalState() throws SQLException {
        Member alice;
        Member bob;
        try (Database db = open()) {
            alice = account(db, "alice");
            bob = account(db, "bob");
            Member carol = account(db, "carol");
            DirectStore store = new DirectStore(db);
            store.send(alice.getPlayerId(), bob.getPlayerId(), "one", 1, 1001, false);
            store.send(alice.getPlayerId(), bob.getPlayerId(), "two", 2, 1002, false);
            store.send(bob.getPlayerId(), alice.getPlayerId(), "three", 3, 1003, false);

            assertThat(seen(store, alice, bob, 1)).isEqualTo(new DirectStore.Target(alice.getPlayerId(), 1001,
                    ChatKind.CHAT_KIND_MESSAGE, false));
            DirectStore.Changed<String> edited = store.change(alice.getPlayerId(), bob.getPlayerId(), 1, EDIT,
                    "one, fixed", 2000, t -> null);
            assertThat(edited).isEqualTo(new DirectStore.Changed<String>(null, 4, 2000, false));
            DirectStore.Changed<String> deleted = store.change(alice.getPlayerId(), bob.getPlayerId(), 2, DELETE, "",
                    2001, t -> null);
            assertThat(deleted.seq()).isEqualTo(5);
            // a refused change stores nothing and uses no seq
            assertThat(store.change(alice.getPlayerId(), bob.getPlayerId(), 3, EDIT, "no", 2002, t -> "refused")
                    .refusal()).isEqualTo("refused");

            // the check sees an edited message, an event, a tombstone, and nothing for unknown seqs
            assertThat(seen(store, alice, bob, 1)).isEqualTo(new DirectStore.Target(alice.getPlayerId(), 1001, EDIT, false));
            assertThat(seen(store, bob, alice, 4)).isEqualTo(new DirectStore.Target(alice.getPlayerId(), 2000, EDIT, true));
            DirectStore.Target tombstone = seen(store, alice, bob, 2);
            assertThat(tombstone.deleted()).isTrue();
            assertThat(seen(store, alice, bob, 5).deleted()).as("a delete event is no tombstone").isFalse();
            assertThat(seen(store, alice, bob, 99)).isNull();
            assertThat(seen(store, alice, bob, 0)).isNull();
            assertThat(seen(store, alice, carol, 1)).as("no conversation").isNull();
        }
        try (Database db = open()) {
            DirectStore store = new DirectStore(db);
            // history: every message in its latest state, then the events, the same for both players
            List<DirectMessageNotify> all = store.range(bob, alice, 0, Long.MAX_VALUE, 10, true);
            assertThat(seqs(all)).containsExactly(1L, 2L, 3L, 4L, 5L);
            DirectMessageNotify one = all.get(0);
            assertThat(one.getKind()).isEqualTo(EDIT);
            assertThat(one.getTargetSeq()).isEqualTo(1);
            assertThat(one.getText()).isEqualTo("one, fixed");
            assertThat(one.getSender()).isEqualTo(alice);
            assertThat(one.getServerTimeMs()).isEqualTo(1001);
            assertThat(one.getClientMsgId()).isEqualTo(1);
            assertThat(all.get(1).getKind()).isEqualTo(DELETE);
            assertThat(all.get(1).getTargetSeq()).isEqualTo(2);
            assertThat(all.get(1).getText()).isEmpty();
            assertThat(all.get(2).getKind()).isEqualTo(ChatKind.CHAT_KIND_MESSAGE);
            assertThat(all.get(2).getTargetSeq()).isZero();
            assertThat(all.get(2).getText()).isEqualTo("three");
            DirectMessageNotify editEvent = all.get(3);
            assertThat(editEvent.getKind()).isEqualTo(EDIT);
            assertThat(editEvent.getTargetSeq()).isEqualTo(1);
            assertThat(editEvent.getText()).isEqualTo("one, fixed");
            assertThat(editEvent.getSender()).isEqualTo(alice);
            assertThat(editEvent.getRecipient()).isEqualTo(bob);
            assertThat(editEvent.getServerTimeMs()).isEqualTo(2000);
            assertThat(all.get(4).getKind()).isEqualTo(DELETE);
            assertThat(all.get(4).getTargetSeq()).isEqualTo(2);
            assertThat(store.range(alice, bob, 0, Long.MAX_VALUE, 10, true)).extracting(DirectMessageNotify::getText)
                    .containsExactly("one, fixed", "", "three", "one, fixed", "");
            // a resume after seq 3 gets the events it missed
            assertThat(store.range(bob, alice, 3, Long.MAX_VALUE, 10, true)).isEqualTo(all.subList(3, 5));
            // the numbering goes on after the events
            assertThat(store.send(bob.getPlayerId(), alice.getPlayerId(), "four", 4, 3000, false).seq()).isEqualTo(6);
        }
    }

    @Test
    void unreadCountsNeitherEventsNorDeletedMessages() throws SQLException {
        try (Database db = open()) {
            Member alice = account(db, "alice");
            Member bob = account(db, "bob");
            DirectStore store = new DirectStore(db);
            for (int i = 1; i <= 3; i++) {
                store.send(alice.getPlayerId(), bob.getPlayerId(), "m" + i, i, 1000 + i, false);
            }
            store.change(alice.getPlayerId(), bob.getPlayerId(), 1, EDIT, "m1 edited", 2000, t -> null);
            store.change(alice.getPlayerId(), bob.getPlayerId(), 2, DELETE, "", 2001, t -> null);
            // bob has not read: m1 (edited) and m3 are unread; the tombstone and both events are not
            assertThat(store.conversations(bob.getPlayerId(), 10)).containsExactly(
                    new DirectStore.ConversationRow(alice.getPlayerId(), "alice", 5, 2));
            // the events left alice's read mark where it was, and she had nothing to read
            assertThat(store.conversations(alice.getPlayerId(), 10)).containsExactly(
                    new DirectStore.ConversationRow(bob.getPlayerId(), "bob", 5, 0));
        }
    }

    @Test
    void anEventIsWithheldFromABlockerAsAMessageIsAndNobodyElseSeesAWithheldTarget() throws SQLException {
        try (Database db = open()) {
            Member alice = account(db, "alice");
            Member bob = account(db, "bob");
            DirectStore store = new DirectStore(db);
            BlockStore blocks = new BlockStore(db);
            store.send(alice.getPlayerId(), bob.getPlayerId(), "before", 1, 1000, false);
            blocks.add(bob.getPlayerId(), alice.getPlayerId(), 10);
            store.send(alice.getPlayerId(), bob.getPlayerId(), "while blocked", 2, 1001, false);
            assertThat(store.change(alice.getPlayerId(), bob.getPlayerId(), 1, EDIT, "edited while blocked", 1002,
                    t -> null).withheld()).isTrue();
            assertThat(seen(store, bob, alice, 2)).as("withheld from bob: not there for him").isNull();
            assertThat(seen(store, alice, bob, 2)).isNotNull();
            blocks.remove(bob.getPlayerId(), alice.getPlayerId());
            // a message withheld stays withheld, and so does every change of it
            assertThat(store.change(alice.getPlayerId(), bob.getPlayerId(), 2, DELETE, "", 1003, t -> null).withheld())
                    .isTrue();
            assertThat(store.change(alice.getPlayerId(), bob.getPlayerId(), 1, EDIT, "after", 1004, t -> null).withheld())
                    .isFalse();
            assertThat(seqs(store.range(bob, alice, 0, Long.MAX_VALUE, 10, true))).containsExactly(1L, 5L);
            assertThat(seqs(store.range(alice, bob, 0, Long.MAX_VALUE, 10, true))).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    @Test
    void blockListsAreBoundedAndPersist() throws SQLException {
        Member alice;
        Member bob;
        Member carol;
        try (Database db = open()) {
            alice = account(db, "alice");
            bob = account(db, "bob");
            carol = account(db, "carol");
            BlockStore blocks = new BlockStore(db);
            assertThat(blocks.add(alice.getPlayerId(), carol.getPlayerId(), 2)).isEqualTo(BlockStore.Added.ADDED);
            assertThat(blocks.add(alice.getPlayerId(), carol.getPlayerId(), 2)).isEqualTo(BlockStore.Added.ALREADY);
            assertThat(blocks.add(alice.getPlayerId(), bob.getPlayerId(), 1)).isEqualTo(BlockStore.Added.FULL);
            assertThat(blocks.add(alice.getPlayerId(), bob.getPlayerId(), 2)).isEqualTo(BlockStore.Added.ADDED);
        }
        try (Database db = open()) {
            BlockStore blocks = new BlockStore(db);
            long[] expected = {Math.min(bob.getPlayerId(), carol.getPlayerId()), Math.max(bob.getPlayerId(), carol.getPlayerId())};
            assertThat(blocks.blocked(alice.getPlayerId())).containsExactly(expected);
            assertThat(blocks.blocked(bob.getPlayerId())).isEmpty();
            assertThat(blocks.remove(alice.getPlayerId(), bob.getPlayerId())).isTrue();
            assertThat(blocks.remove(alice.getPlayerId(), bob.getPlayerId())).isFalse();
            assertThat(blocks.blocked(alice.getPlayerId())).containsExactly(carol.getPlayerId());
        }
    }
}
