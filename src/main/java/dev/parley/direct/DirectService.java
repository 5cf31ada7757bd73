package dev.parley.direct;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.content.BlockedWords;
import dev.parley.content.ChatText;
import dev.parley.content.Names;
import dev.parley.history.HistoryPager;
import dev.parley.history.HistoryService;
import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.Replies;
import dev.parley.protocol.pb.BlockRequest;
import dev.parley.protocol.pb.BlockResponse;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.Conversation;
import dev.parley.protocol.pb.DeleteMessageRequest;
import dev.parley.protocol.pb.DeleteMessageResponse;
import dev.parley.protocol.pb.DirectHistoryRequest;
import dev.parley.protocol.pb.DirectHistoryResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
import dev.parley.protocol.pb.EditMessageRequest;
import dev.parley.protocol.pb.EditMessageResponse;
import dev.parley.protocol.pb.HistoryRequest;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.UnblockRequest;
import dev.parley.protocol.pb.UnblockResponse;
import dev.parley.store.Account;
import dev.parley.store.AccountStore;
import dev.parley.store.BlockStore;
import dev.parley.store.Database;
import dev.parley.store.DirectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Direct messages and blocks: the requests {@code DirectMessageRequest},
 * {@code DirectHistoryRequest}, {@code BlockRequest} and {@code UnblockRequest}, an
 * {@code EditMessageRequest} or {@code DeleteMessageRequest} that names a {@code peer_name}
 * (a direct message's edit or delete, by its author), and what a login needs (its
 * conversations and block list). See docs/protocol.md, "Direct messages".
 *
 * <p>Threads: {@link #handle} runs on the requesting connection's event loop and checks what
 * needs no database (fields, text rules). Writes (a message, an edit or delete, a block, an
 * unblock) run on the single {@code parley-direct} thread, in the order they arrive; reads
 * (history, a login's state) on the blocking pool. Nothing here blocks an event loop; a full queue answers
 * {@code SERVER_BUSY}. A message is numbered and stored in one database transaction before
 * anyone is sent it ({@link DirectStore#send}), so an acknowledged message is durable and
 * its seq continues across restarts; the database owns the numbering. An edit or delete is
 * checked against the stored message and numbered in one transaction too ({@link DirectStore#change}).
 *
 * <p>Delivery reaches the recipient through {@link Presence}, the seam a cluster replaces.
 * A message to a player who blocks the sender is stored withheld: the sender gets its usual
 * notify (a block is not revealed), the recipient never sees it, live or in history.
 */
public final class DirectService {

    private static final Logger log = LoggerFactory.getLogger(DirectService.class);
    private static final LogLimiter dbLog = new LogLimiter(log, Duration.ofSeconds(10));

    /** Most players one player may block. */
    public static final int DEFAULT_MAX_BLOCKS = 1000;
    /** Queued writes (messages, blocks) past which new ones get SERVER_BUSY. */
    public static final int DEFAULT_WRITE_QUEUE = 10_000;
    /** Most conversations a LoginResponse lists, most recent first. */
    public static final int LOGIN_CONVERSATIONS = 200;
    /** Result, peer and has_more of a DirectHistoryResponse, generously. */
    private static final int RESPONSE_OVERHEAD = 128;
    private static final String BUSY = "the server is busy or its database unreachable; try again shortly";

    /** The stores of one database (or of its interactive pool). */
    public record Stores(AccountStore accounts, DirectStore messages, BlockStore blocks) {
        public static Stores on(Database db) {
            return new Stores(new AccountStore(db), new DirectStore(db), new BlockStore(db));
        }
    }

    /**
     * What direct messages may say and when they may be edited: the values of the room rules
     * (--max-chat-bytes, --blocked-words-file, --edit-window), and the wall clock (epoch ms) that
     * stamps messages and times edits.
     *
     * @param blockedWords applied to the text of an edit, as to a room edit
     */
    public record Rules(int maxChatBytes, BlockedWords blockedWords, Duration editWindow, LongSupplier clockMs) {
    }

    /** What a login brings along: the player's conversations and the players it blocks. */
    public record LoginState(List<Conversation> conversations, BlockList blocks) {
        public static final LoginState NONE = new LoginState(List.of(), BlockList.EMPTY);
    }

    private final Stores writes;
    private final Stores reads;
    private final Presence presence;
    private final HistoryService history;
    private final Rules rules;
    private final ServerMetrics metrics;
    private final Executor writer;
    private final Executor reader;

    /**
     * @param writes  stores for the writer thread
     * @param reads   stores for reads (the database's interactive pool)
     * @param history the paging rules and limits of room history, which direct history shares
     * @param writer  one thread: the {@code parley-direct} writer
     * @param reader  the blocking pool
     */
    public DirectService(Stores writes, Stores reads, Presence presence, HistoryService history, Rules rules,
                         ServerMetrics metrics, Executor writer, Executor reader) {
        this.metrics = metrics;
        this.writes = writes;
        this.reads = reads;
        this.presence = presence;
        this.history = history;
        this.rules = rules;
        this.writer = writer;
        this.reader = reader;
    }

    /**
     * Whether {@code request} is one of this service's: the direct requests, and an edit or
     * delete that names a direct conversation (a non-empty {@code peer_name}).
     */
    public static boolean handles(MessageLite request) {
        return request instanceof DirectMessageRequest || request instanceof DirectHistoryRequest
                || request instanceof BlockRequest || request instanceof UnblockRequest
                || request instanceof EditMessageRequest e && !e.getPeerName().isEmpty()
                || request instanceof DeleteMessageRequest d && !d.getPeerName().isEmpty();
    }

    /** A request of this service from a logged-in connection; its event loop. */
    public void handle(DirectClient c, MessageLite request) {
        if (request instanceof DirectMessageRequest r) {
            send(c, r);
        } else if (request instanceof DirectHistoryRequest r) {
            history(c, r);
        } else if (request instanceof BlockRequest r) {
            block(c, r.getName());
        } else if (request instanceof UnblockRequest r) {
            unblock(c, r.getName());
        } else if (request instanceof EditMessageRequest r && !r.getPeerName().isEmpty()) {
            edit(c, r);
        } else if (request instanceof DeleteMessageRequest r && !r.getPeerName().isEmpty()) {
            change(c, ChatKind.CHAT_KIND_DELETE, r.getRoomId(), r.getPeerName(), r.getSeq(), "");
        } else {
            throw new IllegalArgumentException(request.getClass().getSimpleName() + " is not a direct request");
        }
    }

    /** The conversations and block list of a player who is logging in, read off the event loop. */
    public CompletableFuture<LoginState> loginState(long playerId) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                List<Conversation> conversations = new ArrayList<>();
                for (DirectStore.ConversationRow row : reads.messages().conversations(playerId, LOGIN_CONVERSATIONS)) {
                    conversations.add(Conversation.newBuilder()
                            .setPeer(Member.newBuilder().setPlayerId(row.peerId()).setName(row.peerName()))
                            .setLastSeq(row.lastSeq()).setUnread((int) Math.min(row.unread(), Integer.MAX_VALUE)).build());
                }
                return new LoginState(List.copyOf(conversations), BlockList.of(reads.blocks().blocked(playerId)));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the direct conversations: " + e.getMessage(), e);
            }
        }, reader);
    }

    private void send(DirectClient c, DirectMessageRequest r) {
        long cmid = r.getClientMsgId();
        String problem = ChatText.problem(r.getText(), rules.maxChatBytes());
        if (problem == null && r.getToName().isEmpty()) {
            problem = "to_name is empty";
        }
        if (problem != null) {
            metrics.directRefused("invalid");
            c.send(Replies.error(Result.INVALID_REQUEST, problem, MsgType.DIRECT_MESSAGE_REQUEST, cmid));
            return;
        }
        Member me = c.member();
        String to = Names.normalise(r.getToName());
        Runnable busy = () -> c.send(Replies.error(Result.SERVER_BUSY, BUSY,
                MsgType.DIRECT_MESSAGE_REQUEST, cmid));
        onWriter(busy, () -> {
            Account recipient = find(writes, to).orElse(null);
            if (recipient == null) {
                metrics.directRefused("not_found");
                c.send(Replies.error(Result.PLAYER_NOT_FOUND, "no player " + to, MsgType.DIRECT_MESSAGE_REQUEST, cmid));
                return;
            }
            if (recipient.id() == me.getPlayerId()) {
                metrics.directRefused("invalid");
                c.send(Replies.error(Result.INVALID_REQUEST, "you cannot message yourself",
                        MsgType.DIRECT_MESSAGE_REQUEST, cmid));
                return;
            }
            OnlinePlayer online = presence.reach(recipient.name(), recipient.id());
            boolean live = online != null;
            DirectStore.Sent sent = writes.messages().send(me.getPlayerId(), recipient.id(), r.getText(), cmid,
                    rules.clockMs().getAsLong(), live);
            DirectMessageNotify notify = DirectMessageNotify.newBuilder().setSender(me)
                    .setRecipient(Member.newBuilder().setPlayerId(recipient.id()).setName(recipient.name()))
                    .setSeq(sent.seq()).setText(r.getText()).setClientMsgId(cmid).setServerTimeMs(sent.timeMs()).build();
            c.send(notify);
            if (sent.withheld()) {
                metrics.directMessage("withheld");
            } else if (live) {
                online.send(notify);
                metrics.directMessage("delivered");
            } else {
                metrics.directMessage("offline");
            }
        });
    }

    /** An edit of one's own direct message: its text checked as a room edit's is (length, content rules, blocked words). */
    private void edit(DirectClient c, EditMessageRequest r) {
        String problem = ChatText.problem(r.getText(), rules.maxChatBytes());
        BlockedWords.Outcome filtered = problem == null ? rules.blockedWords().apply(r.getText()) : null;
        if (problem == null && filtered.refused()) {
            problem = filtered.refusal();
        }
        if (problem != null) {
            answer(c, ChatKind.CHAT_KIND_EDIT, Result.INVALID_REQUEST, problem, 0);
            return;
        }
        change(c, ChatKind.CHAT_KIND_EDIT, r.getRoomId(), r.getPeerName(), r.getSeq(), filtered.text());
    }

    /**
     * An edit ({@code kind} EDIT, the new {@code text}) or delete (DELETE, empty text) of message
     * {@code targetSeq} of the conversation with {@code peerName}: checked against the stored
     * message by {@link #refusal}, numbered and stored as one more message of the conversation,
     * then sent like a direct message to both players (not to a peer it is withheld from), and
     * answered with the event's seq after the event.
     */
    private void change(DirectClient c, ChatKind kind, long roomId, String peerName, long targetSeq, String text) {
        if (roomId != 0) {
            answer(c, kind, Result.INVALID_REQUEST, "room_id must be 0 when peer_name names a direct conversation", 0);
            return;
        }
        Member me = c.member();
        String peerNormal = Names.normalise(peerName);
        onWriter(() -> answer(c, kind, Result.SERVER_BUSY, BUSY, 0), () -> {
            Account peer = find(writes, peerNormal).orElse(null);
            if (peer == null) {
                answer(c, kind, Result.PLAYER_NOT_FOUND, "no player " + peerNormal, 0);
                return;
            }
            if (peer.id() == me.getPlayerId()) {
                answer(c, kind, Result.INVALID_REQUEST, "you have no conversation with yourself", 0);
                return;
            }
            long now = rules.clockMs().getAsLong();
            String what = "message " + Long.toUnsignedString(targetSeq) + " of your conversation with " + peer.name();
            DirectStore.Changed<Refusal> changed = writes.messages().change(me.getPlayerId(), peer.id(), targetSeq, kind,
                    text, now, target -> refusal(target, kind, me.getPlayerId(), now, rules.editWindow(), what));
            if (changed.refusal() != null) {
                answer(c, kind, changed.refusal().result(), changed.refusal().reason(), 0);
                return;
            }
            DirectMessageNotify event = DirectMessageNotify.newBuilder().setSender(me)
                    .setRecipient(Member.newBuilder().setPlayerId(peer.id()).setName(peer.name()))
                    .setSeq(changed.seq()).setText(text).setServerTimeMs(changed.timeMs())
                    .setKind(kind).setTargetSeq(targetSeq).build();
            c.send(event);
            OnlinePlayer online = changed.withheld() ? null : presence.find(peer.name());
            if (online != null && online.playerId() == peer.id()) {
                online.send(event);
            }
            answer(c, kind, Result.OK, "", changed.seq());
        });
    }

    /** Why an edit or delete is refused; see {@link #refusal}. */
    record Refusal(Result result, String reason) {
    }

    /**
     * Why player {@code by} may not change {@code target} (as {@code by} may see it; null when
     * there is none) at {@code nowMs}, or null when it may: the rules of a room message's edit
     * and delete, where only the author may do either.
     *
     * @param what names the message in reasons
     */
    static Refusal refusal(DirectStore.Target target, ChatKind kind, long by, long nowMs, Duration editWindow,
                           String what) {
        boolean edit = kind == ChatKind.CHAT_KIND_EDIT;
        if (target == null) {
            return new Refusal(Result.MESSAGE_NOT_FOUND, "no " + what);
        }
        if (target.event()) {
            return new Refusal(Result.MESSAGE_NOT_FOUND, what + " is an edit or delete, not a message");
        }
        if (target.deleted()) {
            return new Refusal(Result.MESSAGE_NOT_FOUND, what + " is deleted");
        }
        if (target.senderId() != by) {
            return new Refusal(Result.NOT_ALLOWED, "only its author may " + (edit ? "edit " : "delete ") + what);
        }
        if (edit && nowMs - target.timeMs() > editWindow.toMillis()) {
            return new Refusal(Result.EDIT_WINDOW_PASSED, what + " is older than the edit window (" + editWindow + ")");
        }
        return null;
    }

    /** Counts and sends the answer to a direct edit or delete (counted with the rooms' in parley.chat.changes). */
    private void answer(DirectClient c, ChatKind kind, Result result, String reason, long seq) {
        boolean edit = kind == ChatKind.CHAT_KIND_EDIT;
        metrics.messageChange(edit ? "edit" : "delete", result);
        c.send(edit ? EditMessageResponse.newBuilder().setResult(result).setReason(reason).setSeq(seq).build()
                : DeleteMessageResponse.newBuilder().setResult(result).setReason(reason).setSeq(seq).build());
    }

    private void history(DirectClient c, DirectHistoryRequest r) {
        HistoryRequest.Builder asRoom = HistoryRequest.newBuilder().setLimit(r.getLimit());
        if (r.hasBeforeSeq()) {
            asRoom.setBeforeSeq(r.getBeforeSeq());
        }
        if (r.hasAfterSeq()) {
            asRoom.setAfterSeq(r.getAfterSeq());
        }
        HistoryPager.Query q = history.query(asRoom.build());
        if (q == null) {
            metrics.directRefused("invalid");
            c.send(historyFailed(Result.INVALID_REQUEST, r.getPeerName(), "after_seq must be below before_seq"));
            return;
        }
        Member me = c.member();
        String peerName = Names.normalise(r.getPeerName());
        Runnable busy = () -> c.send(historyFailed(Result.SERVER_BUSY, peerName, BUSY));
        run(reader, busy, () -> {
            Account peer = find(reads, peerName).orElse(null);
            if (peer == null) {
                metrics.directRefused("not_found");
                c.send(historyFailed(Result.PLAYER_NOT_FOUND, peerName, "no player " + peerName));
                return;
            }
            Member peerMember = Member.newBuilder().setPlayerId(peer.id()).setName(peer.name()).build();
            List<DirectMessageNotify> rows = reads.messages().range(me, peerMember, q.after(), q.before(),
                    q.limit() + 1, q.forward());
            DirectHistoryResponse response = page(q, peerMember, rows);
            c.send(response);
            if (response.getMessagesCount() > 0 && peer.id() != me.getPlayerId()) {
                reads.messages().markRead(me.getPlayerId(), peer.id(),
                        response.getMessages(response.getMessagesCount() - 1).getSeq());
            }
        });
    }

    /**
     * The page of {@code rows} (at most limit + 1, ascending, read in the query's direction):
     * cut to the limit and to one frame, by the rules of room history.
     */
    static DirectHistoryResponse page(HistoryPager.Query q, Member peer, List<DirectMessageNotify> rows) {
        HistoryPager.Cut<DirectMessageNotify> cut = HistoryPager.cut(q, rows, rows.size() > q.limit(),
                DirectHistoryResponse.MESSAGES_FIELD_NUMBER, RESPONSE_OVERHEAD);
        return DirectHistoryResponse.newBuilder().setResult(Result.OK).setPeer(peer).addAllMessages(cut.messages())
                .setHasMore(cut.hasMore()).build();
    }

    private void block(DirectClient c, String name) {
        Member me = c.member();
        String target = Names.normalise(name);
        Runnable busy = () -> c.send(BlockResponse.newBuilder().setResult(Result.SERVER_BUSY)
                .setReason(BUSY).build());
        onWriter(busy, () -> {
            Account other = find(writes, target).orElse(null);
            if (other == null || other.id() == me.getPlayerId()) {
                metrics.directRefused(other == null ? "not_found" : "invalid");
                c.send(BlockResponse.newBuilder().setResult(other == null ? Result.PLAYER_NOT_FOUND : Result.INVALID_REQUEST)
                        .setReason(other == null ? "no player " + target : "you cannot block yourself").build());
                return;
            }
            Member player = Member.newBuilder().setPlayerId(other.id()).setName(other.name()).build();
            if (writes.blocks().add(me.getPlayerId(), other.id(), DEFAULT_MAX_BLOCKS) == BlockStore.Added.FULL) {
                c.send(BlockResponse.newBuilder().setResult(Result.BLOCK_LIST_FULL).setPlayer(player)
                        .setReason("you block " + DEFAULT_MAX_BLOCKS + " players already; unblock one first").build());
                return;
            }
            c.loop().execute(() -> {
                c.blockList(c.blockList().with(other.id()));
                c.send(BlockResponse.newBuilder().setResult(Result.OK).setPlayer(player).build());
            });
        });
    }

    private void unblock(DirectClient c, String name) {
        Member me = c.member();
        String target = Names.normalise(name);
        Runnable busy = () -> c.send(UnblockResponse.newBuilder().setResult(Result.SERVER_BUSY)
                .setReason(BUSY).build());
        onWriter(busy, () -> {
            Account other = find(writes, target).orElse(null);
            if (other == null) {
                metrics.directRefused("not_found");
                c.send(UnblockResponse.newBuilder().setResult(Result.PLAYER_NOT_FOUND).setReason("no player " + target).build());
                return;
            }
            writes.blocks().remove(me.getPlayerId(), other.id()); // unblocking a player not blocked is fine too
            Member player = Member.newBuilder().setPlayerId(other.id()).setName(other.name()).build();
            c.loop().execute(() -> {
                c.blockList(c.blockList().without(other.id()));
                c.send(UnblockResponse.newBuilder().setResult(Result.OK).setPlayer(player).build());
            });
        });
    }

    private static Optional<Account> find(Stores stores, String name) throws SQLException {
        return name.isEmpty() ? Optional.empty() : stores.accounts().find(name);
    }

    /** A failure names the peer as requested (no id), so a client with several reads can tell which failed. */
    private static DirectHistoryResponse historyFailed(Result result, String peerName, String reason) {
        return DirectHistoryResponse.newBuilder().setResult(result).setPeer(Member.newBuilder().setName(peerName))
                .setReason(reason).build();
    }

    /** A database step. */
    private interface Step {
        void run() throws SQLException;
    }

    private void onWriter(Runnable busy, Step step) {
        run(writer, busy, step);
    }

    /** Runs {@code step} on {@code executor}; {@code busy} answers a full queue or a database failure. */
    private void run(Executor executor, Runnable busy, Step step) {
        try {
            executor.execute(() -> {
                try {
                    step.run();
                } catch (SQLException | RuntimeException e) {
                    dbLog.warn("direct message request failed: {}", e.toString());
                    metrics.directRefused("busy");
                    busy.run();
                }
            });
        } catch (RejectedExecutionException e) {
            metrics.directRefused("busy");
            busy.run();
        }
    }
}
