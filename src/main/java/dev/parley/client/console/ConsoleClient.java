package dev.parley.client.console;

import dev.parley.client.Backoff;
import dev.parley.client.ClientState;
import dev.parley.client.HistoryReader;
import dev.parley.client.MissedMessages;
import dev.parley.client.ParleyConnection;
import dev.parley.client.PendingReply;

import com.google.protobuf.MessageLite;
import dev.parley.client.HistoryReader.HistoryException;
import dev.parley.protocol.Frames;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomRequest;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The console chat client: connects, logs in, then turns typed lines into requests and server
 * messages into lines on a {@link LineConsole}.
 *
 * <p>Input is read on a thread of its own and server messages are shown from the network
 * thread, so a notice appears while the user is typing. The calling thread only waits for the
 * end, which comes from the input ({@code /quit}, end of input) or from the network (the
 * connection was lost for good), whichever is first.
 *
 * <p>A lost connection is restored: the client connects again with {@link Backoff backoff}, logs
 * in with the same name and password, rejoins its room with the highest seq it has shown, and
 * shows the messages it missed, each once and in order, before any live one (see
 * {@link #reconnect()}). {@code /reconnect} does the same on purpose. Commands typed meanwhile
 * wait until that is done.
 */
public final class ConsoleClient {

    /** Exit code: the user quit, or the input ended. */
    public static final int EXIT_OK = 0;
    /** Exit code: the login was refused, timed out, or no name or password was given. */
    public static final int EXIT_LOGIN_FAILED = 1;
    /** Exit code: the server could not be reached (also picocli's code for bad usage). */
    public static final int EXIT_CANNOT_CONNECT = 2;
    /** Exit code: the connection was lost and could not be restored, or the server closed it for a violation. */
    public static final int EXIT_CONNECTION_LOST = 3;

    /** Password hashing is deliberately slow and queued on a busy server: a login gets longer than a command. */
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(15);
    /**
     * Right after a drop the server may not have noticed yet that the old connection is gone,
     * and refuses the name as online (ALREADY_LOGGED_IN); the login is asked again this often.
     */
    private static final Duration ALREADY_ONLINE_RETRY = Duration.ofMillis(250);
    private static final int ALREADY_ONLINE_TRIES = 20;
    /** Missed messages still on their way to the server's database are "busy"; asked again this often. */
    private static final Duration BUSY_RETRY = Duration.ofMillis(200);
    private static final int BUSY_TRIES = 5;
    /** Missed messages are read in pages of 200; a minute of a lively room is a few pages. */
    private static final Duration GAP_TIMEOUT = Duration.ofSeconds(30);

    private final ClientOptions options;
    private final LineConsole console;
    private final ClientState state = new ClientState();
    private final AtomicLong nextClientMsgId = new AtomicLong(1);
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile boolean closing;
    /** The connection in use, or the reconnect attempt under way. */
    private volatile Link link;
    /** Completes with the connection commands go to, once it is logged in (and resumed); renewed when it is lost. */
    private volatile CompletableFuture<Link> ready = new CompletableFuture<>();
    private volatile String name;
    private volatile String password;

    public ConsoleClient(ClientOptions options, LineConsole console) {
        this.options = options;
        this.console = console;
    }

    /** Runs the session to its end and returns the exit code (one of the {@code EXIT_} constants). */
    public int run() {
        Link first = new Link(true);
        link = first; // before it can close: its listener only acts for the current link
        try {
            first.open();
        } catch (IOException e) {
            console.printError("parley: " + e.getMessage());
            return EXIT_CANNOT_CONNECT;
        }
        try {
            int loginCode = login(first);
            if (loginCode != EXIT_OK) {
                return loginCode;
            }
            publish(first);
            Thread input = new Thread(this::readCommands, "parley-console-input");
            input.setDaemon(true); // may stay blocked on input after the server has gone
            input.start();
            return exit.join();
        } finally {
            closing = true;
            link.close();
        }
    }

    private int login(Link first) {
        String asked = options.name() != null ? options.name() : console.ask("name: ");
        if (asked == null || asked.isBlank()) {
            console.printError("parley: no name given");
            return EXIT_LOGIN_FAILED;
        }
        name = asked.strip();
        password = options.password() != null ? options.password() : console.askSecret("password: ");
        if (password == null) {
            console.printError("parley: no password given");
            return EXIT_LOGIN_FAILED;
        }
        MessageLite m = sendLogin(first);
        if (exit.isDone()) {
            return exit.join(); // the connection closed; the listener said so
        }
        if (m instanceof LoginResponse r && r.getResult() == Result.OK) {
            console.println(MessageFormatter.loggedIn(r));
            return EXIT_OK;
        }
        String why = m == null ? "no response within " + seconds(LOGIN_TIMEOUT) : describe(m);
        console.printError("parley: login failed: " + why);
        return EXIT_LOGIN_FAILED;
    }

    /** The login reply (a response or an error), or null after the timeout or when the connection closed. */
    private MessageLite sendLogin(Link l) {
        CompletableFuture<MessageLite> reply = l.pending.expect(
                m -> m instanceof LoginResponse || isErrorFor(m, MsgType.LOGIN_REQUEST));
        l.send(LoginRequest.newBuilder().setName(name).setPassword(password).build());
        return await(reply, LOGIN_TIMEOUT);
    }

    /** The input thread: one command per line until quit or the end of input. */
    private void readCommands() {
        try {
            String line;
            while ((line = console.readCommand()) != null) {
                if (!execute(CommandParser.parse(line))) {
                    exit.complete(EXIT_OK);
                    return;
                }
            }
            // A script's output ends with its last reply, and with a reconnect under way finished.
            Link l = console.isInteractive() ? link : awaitReady();
            if (l != null) {
                await(l.pending.current(), options.drainTimeout());
            }
            closing = true;
            exit.complete(EXIT_OK);
        } catch (RuntimeException e) {
            end(EXIT_CONNECTION_LOST, "parley: input failed: " + e.getMessage());
        }
    }

    /** Carries out one command; false when the session should end. */
    private boolean execute(Command command) {
        if (command instanceof Command.Quit) {
            closing = true;
            return false;
        } else if (command instanceof Command.Help) {
            CommandParser.HELP.forEach(console::println);
            return true;
        } else if (command instanceof Command.Invalid i) {
            console.println("! " + i.hint());
            return true;
        } else if (command instanceof Command.Blank) {
            return true;
        }
        Link l = awaitReady();
        if (l == null) {
            return false; // the session ended while a reconnect was under way
        }
        if (command instanceof Command.ListRooms) {
            request(l, RoomListRequest.getDefaultInstance(),
                    m -> m instanceof RoomListResponse || isErrorFor(m, MsgType.ROOM_LIST_REQUEST));
        } else if (command instanceof Command.CreateRoom c) {
            request(l, CreateRoomRequest.newBuilder().setName(c.name()).build(),
                    m -> m instanceof CreateRoomResponse || isErrorFor(m, MsgType.CREATE_ROOM_REQUEST));
        } else if (command instanceof Command.JoinRoom j) {
            request(l, JoinRoomRequest.newBuilder().setRoomId(j.roomId()).build(),
                    m -> m instanceof JoinRoomResponse || isErrorFor(m, MsgType.JOIN_ROOM_REQUEST));
        } else if (command instanceof Command.LeaveRoom) {
            request(l, LeaveRoomRequest.getDefaultInstance(),
                    m -> m instanceof LeaveRoomResponse || isErrorFor(m, MsgType.LEAVE_ROOM_REQUEST));
        } else if (command instanceof Command.Chat c) {
            chat(l, c.text());
        } else if (command instanceof Command.History h) {
            history(l, h.count());
        } else if (command instanceof Command.Reconnect) {
            if (retire(l)) {
                l.close(); // first: whatever the old connection still delivers is shown before this line
                console.println("* reconnecting...");
                reconnect();
            } // else the connection was lost just now and a reconnect is already under way
        }
        return true;
    }

    private void chat(Link l, String text) {
        long id = nextClientMsgId.getAndIncrement();
        ChatRequest request = ChatRequest.newBuilder().setText(text).setClientMsgId(id).build();
        int frame = Frames.HEADER_BYTES + request.getSerializedSize();
        if (frame > options.maxFrameBytes()) {
            // The server closes a connection that sends an oversized frame; refuse it here instead.
            console.println("! message too long: it needs a " + frame + "-byte frame; the server takes "
                    + options.maxFrameBytes() + " (--max-frame)");
            return;
        }
        long self = state.playerId();
        request(l, request, m -> m instanceof ChatNotify n && n.getClientMsgId() == id
                && n.getSender().getPlayerId() == self
                || m instanceof ErrorNotify e && e.getClientMsgId() == id && e.getRequestType() == MsgType.CHAT_REQUEST);
    }

    /** {@code /history N}: reads the room's latest messages and shows them as one block. */
    private void history(Link l, int count) {
        RoomInfo room = state.room();
        if (room == null) {
            console.println("! not in a room: /history shows the messages of your room (/create NAME or /join ID first)");
            return;
        }
        // Shown where the read completes (the network thread), like every other server message.
        CompletableFuture<Void> shown = l.history.latest(room.getRoomId(), count).handle((messages, failure) -> {
            if (failure == null) {
                MessageFormatter.history(room, messages).forEach(console::println);
                messages.forEach(state::seen);
            } else if (failure instanceof HistoryException e && e.result() != null) {
                console.println("! " + e.getMessage());
            } else {
                console.println("! /history: " + failure.getMessage());
            }
            return null;
        });
        if (!console.isInteractive()) {
            try {
                shown.get(options.replyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                console.println("! no reply from the server within " + seconds(options.replyTimeout()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * Sends {@code request}. A scripted console then waits for the reply, so the output of each
     * line precedes the next; at a terminal the user may type ahead.
     */
    private void request(Link l, MessageLite request, Predicate<MessageLite> isReply) {
        CompletableFuture<MessageLite> reply = l.pending.expect(isReply);
        l.send(request);
        if (!console.isInteractive() && await(reply, options.replyTimeout()) == null && !exit.isDone()) {
            console.println(l.isOpen() ? "! no reply from the server within " + seconds(options.replyTimeout())
                    : "! the connection was lost before the reply");
        }
    }

    /** The connection to send commands on; waits while a reconnect is under way; null when the session has ended. */
    private Link awaitReady() {
        while (!exit.isDone()) {
            CompletableFuture<Link> gate = ready;
            CompletableFuture.anyOf(gate, exit).join();
            if (gate.isDone() && !exit.isDone()) {
                return gate.join();
            }
        }
        return null;
    }

    /**
     * Puts {@code l} in use: commands go to it, and its loss from now on is reconnected; unless it
     * was taken out of use already. Under the same lock as {@link #retire}, so a loss is either
     * before (and the link never goes live) or after (and the gate closes again).
     */
    private synchronized void publish(Link l) {
        if (!l.retired) {
            ready.complete(l);
            l.live = true;
        }
    }

    /**
     * Takes {@code l} out of use, closing the gate if commands went to it; false if it was taken
     * out already (the connection was lost and a reconnect started, or /reconnect closed it).
     */
    private synchronized boolean retire(Link l) {
        if (l.retired) {
            return false;
        }
        l.retired = true;
        if (ready.getNow(null) == l) {
            ready = new CompletableFuture<>();
        }
        return true;
    }

    /**
     * Restores the session on a new connection: connects, logs in and resumes the room, trying
     * again with backoff until that works or {@link ClientOptions#reconnectFor()} is spent (then
     * the session ends with {@link #EXIT_CONNECTION_LOST}). Runs on a thread of its own after a
     * loss, on the input thread for {@code /reconnect}; the gate is closed meanwhile.
     */
    private void reconnect() {
        RoomInfo room = state.room();
        Long lastSeen = room == null ? null : state.lastSeen(room.getRoomId());
        long start = System.nanoTime();
        Backoff backoff = new Backoff(options.reconnectFor());
        while (!closing && !exit.isDone()) {
            Attempt a = attempt(room, lastSeen);
            if (a.link != null) {
                return; // in use: published when it went live
            }
            if (a.fatal) {
                giveUp(a.problem);
                return;
            }
            Duration wait = backoff.next(Duration.ofNanos(System.nanoTime() - start));
            if (wait == null) {
                giveUp(options.reconnectFor().isZero() ? "could not reconnect: " + a.problem
                        : "gave up reconnecting after " + seconds(options.reconnectFor()) + ": " + a.problem);
                return;
            }
            if (console.isInteractive()) { // a script's output stays the same however long it takes
                console.println("* still reconnecting (" + a.problem + "); next try in " + seconds(wait));
            }
            if (sleepUnlessExit(wait)) {
                return;
            }
        }
    }

    private void giveUp(String why) {
        end(EXIT_CONNECTION_LOST, "parley: connection lost; " + why);
    }

    /** Ends the session with {@code code}, unless it has ended already; the line is printed first, so it precedes the exit. */
    private synchronized void end(int code, String errorLine) {
        if (!exit.isDone()) {
            console.printError(errorLine);
            exit.complete(code);
        }
    }

    /** The outcome of one reconnect attempt: the connection now in use, or why there is none. */
    private record Attempt(Link link, String problem, boolean fatal) {
        static Attempt done(Link link) {
            return new Attempt(link, null, false);
        }

        static Attempt retry(String problem) {
            return new Attempt(null, problem, false);
        }

        static Attempt fatal(String problem) {
            return new Attempt(null, problem, true);
        }
    }

    private Attempt attempt(RoomInfo room, Long lastSeen) {
        Link l = new Link(false);
        link = l;
        try {
            l.open();
        } catch (IOException e) {
            return Attempt.retry(e.getMessage());
        }
        if (closing) { // run() has ended and closed the previous link; this one is the last
            l.close();
            return Attempt.retry("the client is closing");
        }
        Attempt a = loginAgain(l);
        if (a == null) {
            a = resume(l, room, lastSeen);
        }
        if (a.link == null) {
            l.close();
        }
        return a;
    }

    /** Null when logged in; else why not. */
    private Attempt loginAgain(Link l) {
        for (int tries = 1; ; tries++) {
            MessageLite m = sendLogin(l);
            if (m instanceof LoginResponse r && r.getResult() == Result.OK) {
                return null;
            }
            if (m == null) {
                return Attempt.retry(l.isOpen() ? "no login response within " + seconds(LOGIN_TIMEOUT)
                        : "the connection closed during the login");
            }
            Result result = m instanceof LoginResponse r ? r.getResult() : ((ErrorNotify) m).getResult();
            String why = "login refused: " + describe(m);
            if (result == Result.ALREADY_LOGGED_IN && tries < ALREADY_ONLINE_TRIES) {
                if (sleepUnlessExit(ALREADY_ONLINE_RETRY)) {
                    return Attempt.retry(why);
                }
                continue;
            }
            boolean passing = result == Result.ALREADY_LOGGED_IN || result == Result.SERVER_BUSY
                    || result == Result.INTERNAL_ERROR || result == Result.RATE_LIMITED;
            return passing ? Attempt.retry(why) : Attempt.fatal("could not log in again: " + describe(m));
        }
    }

    /**
     * Rejoins {@code room} with the last seq shown, reads what {@code recent} did not hold, then
     * shows the missed messages, followed by the live ones that arrived meanwhile (held back by
     * the link), each once.
     */
    private Attempt resume(Link l, RoomInfo room, Long lastSeen) {
        if (room == null) {
            return finish(l, () -> console.println("* reconnected"), 0, 0);
        }
        JoinRoomRequest.Builder join = JoinRoomRequest.newBuilder().setRoomId(room.getRoomId());
        if (lastSeen != null) {
            join.setLastSeenSeq(lastSeen);
        }
        l.holding = true; // before the request: live messages of the room come right after its reply
        CompletableFuture<MessageLite> reply = l.pending.expect(
                m -> m instanceof JoinRoomResponse || isErrorFor(m, MsgType.JOIN_ROOM_REQUEST));
        l.send(join.build());
        MessageLite m = await(reply, options.replyTimeout());
        if (m == null) {
            return Attempt.retry(l.isOpen() ? "no reply to the rejoin within " + seconds(options.replyTimeout())
                    : "the connection closed during the rejoin");
        }
        if (!(m instanceof JoinRoomResponse r && r.getResult() == Result.OK)) {
            String why = describe(m);
            return finish(l, () -> {
                state.leftRoom();
                console.println("* reconnected");
                console.println(MessageFormatter.notRejoined(room, why));
            }, 0, 0);
        }
        long seen = lastSeen == null ? 0 : lastSeen;
        List<ChatNotify> gap = List.of();
        String gapProblem = null;
        if (r.getHasGap()) {
            Long before = r.getRecentCount() == 0 ? null : r.getRecent(0).getSeq();
            try {
                gap = readGap(l, room.getRoomId(), seen, before);
            } catch (HistoryException e) {
                if (e.result() == null) {
                    return Attempt.retry("reading the missed messages: " + e.getMessage());
                }
                gapProblem = e.getMessage();
            }
        }
        List<ChatNotify> missed = MissedMessages.merge(seen, gap, r.getRecentList());
        long shownUpTo = missed.isEmpty() ? seen : missed.get(missed.size() - 1).getSeq();
        RoomInfo now = r.getRoom();
        String problem = gapProblem;
        return finish(l, () -> {
            state.entered(now);
            console.println(MessageFormatter.resumed(now, missed.size()));
            if (problem != null) {
                console.println("! some missed messages could not be read: " + problem);
            }
            for (ChatNotify c : missed) {
                console.println(MessageFormatter.chat(c, now.getName()));
                state.seen(c);
            }
        }, now.getRoomId(), shownUpTo);
    }

    /** The messages after {@code after} (and before {@code before}); "busy" is asked again a few times. */
    private List<ChatNotify> readGap(Link l, long roomId, long after, Long before) {
        for (int tries = 1; ; tries++) {
            try {
                return l.history.between(roomId, after, before).get(GAP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                HistoryException failure = (HistoryException) e.getCause();
                if (failure.result() != Result.SERVER_BUSY || tries == BUSY_TRIES || sleepUnlessExit(BUSY_RETRY.multipliedBy(tries))) {
                    throw failure;
                }
            } catch (TimeoutException e) {
                throw new HistoryException(null, "no reply within " + seconds(GAP_TIMEOUT));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HistoryException(null, "interrupted");
            }
        }
    }

    /**
     * Shows what the resume found on the link's event loop, where no message of the link can
     * come in between, and puts the link in use.
     */
    private Attempt finish(Link l, Runnable show, long roomId, long shownUpTo) {
        try {
            Future<Boolean> done = l.connection.channel().eventLoop().submit(() -> l.goLive(show, roomId, shownUpTo));
            if (done.get(options.replyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return Attempt.done(l);
            }
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            // the connection is closing: as below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Attempt.retry("the connection closed during the resume");
    }

    /** Waits {@code d} unless the session ends first; true if it has ended. */
    private boolean sleepUnlessExit(Duration d) {
        try {
            exit.get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return closing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private static boolean isErrorFor(MessageLite m, MsgType requestType) {
        return m instanceof ErrorNotify e && e.getRequestType() == requestType;
    }

    /** {@code RESULT: reason} of a refusal (a response or an ErrorNotify). */
    private static String describe(MessageLite m) {
        if (m instanceof LoginResponse r) {
            return MessageFormatter.describe(r.getResult(), r.getResultValue(), r.getReason());
        } else if (m instanceof JoinRoomResponse r) {
            return MessageFormatter.describe(r.getResult(), r.getResultValue(), r.getReason());
        } else if (m instanceof ErrorNotify e) {
            return MessageFormatter.describe(e.getResult(), e.getResultValue(), e.getReason());
        }
        return m.toString();
    }

    /** The reply, or null after {@code timeout} or when the connection closed. */
    private static MessageLite await(CompletableFuture<MessageLite> reply, Duration timeout) {
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    /** Shows a server message and follows it in the client's state. */
    private void show(MessageLite message) {
        // Formatted before the state follows the message: "Left room X" still knows X.
        for (String line : MessageFormatter.format(message, state)) {
            console.println(line);
        }
        state.apply(message);
    }

    /**
     * One connection and what belongs to it: the reply a command waits for, the history reads,
     * and, while a resume is under way, the messages held back until the missed ones are shown.
     * Its listener methods run on the connection's event loop.
     */
    private final class Link implements ParleyConnection.Listener {
        private volatile ParleyConnection connection;
        final PendingReply pending = new PendingReply();
        final HistoryReader history = new HistoryReader(m -> connection.send(m));
        /** The connection of the first login: its loss before the login ends the session as before. */
        private final boolean first;
        /** Logged in (and resumed): its loss from here on is reconnected. */
        volatile boolean live;
        /** Taken out of use (see {@link #retire}); guarded by the client. */
        boolean retired;
        /** A resume is under way: messages wait in {@link #held}. Set before the rejoin is sent. */
        volatile boolean holding;
        private final List<MessageLite> held = new ArrayList<>(); // event loop
        private boolean violated; // event loop

        Link(boolean first) {
            this.first = first;
        }

        void open() throws IOException {
            connection = ParleyConnection.connect(options.host(), options.port(), this);
        }

        void send(MessageLite message) {
            connection.send(message);
        }

        boolean isOpen() {
            return connection.isOpen();
        }

        /** Closes the connection; its close is then no news. */
        void close() {
            synchronized (ConsoleClient.this) {
                retired = true;
            }
            ParleyConnection c = connection;
            if (c != null) { // null: it never connected
                c.close();
            }
        }

        /** Event loop: the end of a resume, unless the connection has closed meanwhile. */
        boolean goLive(Runnable show, long roomId, long shownUpTo) {
            if (!connection.isOpen()) {
                return false; // its close follows and, not live, is left to the reconnect attempt
            }
            show.run();
            for (MessageLite m : held) {
                if (!(m instanceof ChatNotify c && c.getRoomId() == roomId && c.getSeq() <= shownUpTo)) {
                    ConsoleClient.this.show(m); // else shown among the missed ones already
                }
            }
            held.clear();
            holding = false;
            publish(this);
            return true;
        }

        @Override
        public void onMessage(MessageLite message) {
            if (history.offer(message)) {
                return;
            }
            if (message instanceof ErrorNotify e && e.getResult() == Result.PROTOCOL_VIOLATION) {
                violated = true;
            }
            if (holding) {
                if (!pending.offer(message)) { // the rejoin's reply goes to the resume; the rest waits
                    held.add(message);
                }
                return;
            }
            show(message);
            pending.offer(message); // after printing: a scripted command's output is complete
        }

        @Override
        public void onClosed(Throwable cause) {
            try {
                lost(cause);
            } finally {
                // after deciding: a scripted command that waits then sees the outcome (exit or reconnect)
                pending.cancel();
                history.close();
            }
        }

        private void lost(Throwable cause) {
            if (closing || link != this || !retire(this)) {
                return;
            }
            if (!live) {
                if (first) {
                    end(EXIT_CONNECTION_LOST, lostLine(cause));
                } // else a reconnect attempt, which sees it
                return;
            }
            if (violated || options.reconnectFor().isZero()) {
                // After a violation the server would close a new connection for the same reason.
                end(EXIT_CONNECTION_LOST, lostLine(cause));
                return;
            }
            console.println("* connection lost; reconnecting...");
            Thread t = new Thread(() -> {
                close(); // releases its event loop, which cannot wait for its own end
                reconnect();
            }, "parley-reconnect");
            t.setDaemon(true);
            t.start();
        }

        private String lostLine(Throwable cause) {
            return cause == null ? "parley: the server closed the connection"
                    : "parley: connection lost: " + cause.getMessage();
        }
    }
}
