package dev.parley.direct;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.content.ChatText;
import dev.parley.content.Names;
import dev.parley.history.HistoryPager;
import dev.parley.history.HistoryService;
import dev.parley.logging.LogLimiter;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.Replies;
import dev.parley.protocol.pb.BlockRequest;
import dev.parley.protocol.pb.BlockResponse;
import dev.parley.protocol.pb.Conversation;
import dev.parley.protocol.pb.DirectHistoryRequest;
import dev.parley.protocol.pb.DirectHistoryResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.DirectMessageRequest;
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

/**
 * Direct messages and blocks: the requests {@code DirectMessageRequest},
 * {@code DirectHistoryRequest}, {@code BlockRequest} and {@code UnblockRequest}, and what a login
 * needs (its conversations and block list). See docs/protocol.md, "Direct messages".
 *
 * <p>Threads: {@link #handle} runs on the requesting connection's event loop and checks what
 * needs no database (fields, text rules). Writes (a message, a block, an unblock) run on the
 * single {@code parley-direct} thread, in the order they arrive; reads (history, a login's
 * state) on the blocking pool. Nothing here blocks an event loop; a full queue answers
 * {@code SERVER_BUSY}. A message is numbered and stored in one database transaction before
 * anyone is sent it ({@link DirectStore#send}), so an acknowledged message is durable and
 * its seq continues across restarts; the database owns the numbering.
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

    /** What a login brings along: the player's conversations and the players it blocks. */
    public record LoginState(List<Conversation> conversations, BlockList blocks) {
        public static final LoginState NONE = new LoginState(List.of(), BlockList.EMPTY);
    }

    private final Stores writes;
    private final Stores reads;
    private final Presence presence;
    private final HistoryService history;
    private final int maxChatBytes;
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
    public DirectService(Stores writes, Stores reads, Presence presence, HistoryService history, int maxChatBytes,
                         ServerMetrics metrics, Executor writer, Executor reader) {
        this.metrics = metrics;
        this.writes = writes;
        this.reads = reads;
        this.presence = presence;
        this.history = history;
        this.maxChatBytes = maxChatBytes;
        this.writer = writer;
        this.reader = reader;
    }

    /** Whether {@code type} is a request of this service. */
    public static boolean handles(MsgType type) {
        return switch (type) {
            case DIRECT_MESSAGE_REQUEST, DIRECT_HISTORY_REQUEST, BLOCK_REQUEST, UNBLOCK_REQUEST -> true;
            default -> false;
        };
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
        String problem = ChatText.problem(r.getText(), maxChatBytes);
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
                    System.currentTimeMillis(), live);
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
