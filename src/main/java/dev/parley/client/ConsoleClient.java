package dev.parley.client;

import com.google.protobuf.MessageLite;
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
import dev.parley.protocol.pb.RoomListRequest;
import dev.parley.protocol.pb.RoomListResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 * end, which comes from the input ({@code /quit}, end of input) or from the network (the server
 * closed the connection), whichever is first.
 */
public final class ConsoleClient {

    /** Exit code: the user quit, or the input ended. */
    public static final int EXIT_OK = 0;
    /** Exit code: the login was refused, timed out, or no name or password was given. */
    public static final int EXIT_LOGIN_FAILED = 1;
    /** Exit code: the server could not be reached (also picocli's code for bad usage). */
    public static final int EXIT_CANNOT_CONNECT = 2;
    /** Exit code: the server closed the connection, or it failed. */
    public static final int EXIT_CONNECTION_LOST = 3;

    /** Password hashing is deliberately slow and queued on a busy server: a login gets longer than a command. */
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(15);

    private final ClientOptions options;
    private final LineConsole console;
    private final ClientState state = new ClientState();
    private final PendingReply pending = new PendingReply();
    private final AtomicLong nextClientMsgId = new AtomicLong(1);
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile boolean closing;

    public ConsoleClient(ClientOptions options, LineConsole console) {
        this.options = options;
        this.console = console;
    }

    /** Runs the session to its end and returns the exit code (one of the {@code EXIT_} constants). */
    public int run() {
        ParleyConnection connection;
        try {
            connection = ParleyConnection.connect(options.host(), options.port(), new Listener());
        } catch (IOException e) {
            console.printError("parley: " + e.getMessage());
            return EXIT_CANNOT_CONNECT;
        }
        try {
            int loginCode = login(connection);
            if (loginCode != EXIT_OK) {
                return loginCode;
            }
            Thread input = new Thread(() -> readCommands(connection), "parley-console-input");
            input.setDaemon(true); // may stay blocked on input after the server has gone
            input.start();
            return exit.join();
        } finally {
            closing = true;
            connection.close();
        }
    }

    private int login(ParleyConnection connection) {
        String name = options.name() != null ? options.name() : console.ask("name: ");
        if (name == null || name.isBlank()) {
            console.printError("parley: no name given");
            return EXIT_LOGIN_FAILED;
        }
        String password = options.password() != null ? options.password() : console.askSecret("password: ");
        if (password == null) {
            console.printError("parley: no password given");
            return EXIT_LOGIN_FAILED;
        }
        CompletableFuture<MessageLite> reply = pending.expect(
                m -> m instanceof LoginResponse || isErrorFor(m, MsgType.LOGIN_REQUEST));
        connection.send(LoginRequest.newBuilder().setName(name.strip()).setPassword(password).build());
        MessageLite m = await(reply, LOGIN_TIMEOUT);
        if (exit.isDone()) {
            return exit.join(); // the connection closed; the listener said so
        }
        if (m instanceof LoginResponse r && r.getResult() == Result.OK) {
            console.println(MessageFormatter.loggedIn(r));
            return EXIT_OK;
        }
        String why = m instanceof LoginResponse r ? MessageFormatter.describe(r.getResult(), r.getResultValue(), r.getReason())
                : m instanceof ErrorNotify e ? MessageFormatter.describe(e.getResult(), e.getResultValue(), e.getReason())
                : "no response within " + seconds(LOGIN_TIMEOUT);
        console.printError("parley: login failed: " + why);
        return EXIT_LOGIN_FAILED;
    }

    /** The input thread: one command per line until quit or the end of input. */
    private void readCommands(ParleyConnection connection) {
        try {
            String line;
            while ((line = console.readCommand()) != null) {
                if (!execute(CommandParser.parse(line), connection)) {
                    exit.complete(EXIT_OK);
                    return;
                }
            }
            await(pending.current(), options.drainTimeout()); // scripted output ends with the last reply
            closing = true;
            exit.complete(EXIT_OK);
        } catch (RuntimeException e) {
            if (exit.complete(EXIT_CONNECTION_LOST)) {
                console.printError("parley: input failed: " + e.getMessage());
            }
        }
    }

    /** Carries out one command; false when the session should end. */
    private boolean execute(Command command, ParleyConnection connection) {
        if (command instanceof Command.Quit) {
            closing = true;
            return false;
        } else if (command instanceof Command.Help) {
            CommandParser.HELP.forEach(console::println);
        } else if (command instanceof Command.Invalid i) {
            console.println("! " + i.hint());
        } else if (command instanceof Command.ListRooms) {
            request(connection, RoomListRequest.getDefaultInstance(),
                    m -> m instanceof RoomListResponse || isErrorFor(m, MsgType.ROOM_LIST_REQUEST));
        } else if (command instanceof Command.CreateRoom c) {
            request(connection, CreateRoomRequest.newBuilder().setName(c.name()).build(),
                    m -> m instanceof CreateRoomResponse || isErrorFor(m, MsgType.CREATE_ROOM_REQUEST));
        } else if (command instanceof Command.JoinRoom j) {
            request(connection, JoinRoomRequest.newBuilder().setRoomId(j.roomId()).build(),
                    m -> m instanceof JoinRoomResponse || isErrorFor(m, MsgType.JOIN_ROOM_REQUEST));
        } else if (command instanceof Command.LeaveRoom) {
            request(connection, LeaveRoomRequest.getDefaultInstance(),
                    m -> m instanceof LeaveRoomResponse || isErrorFor(m, MsgType.LEAVE_ROOM_REQUEST));
        } else if (command instanceof Command.Chat c) {
            chat(connection, c.text());
        }
        return true; // Blank: nothing to do
    }

    private void chat(ParleyConnection connection, String text) {
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
        request(connection, request, m -> m instanceof ChatNotify n && n.getClientMsgId() == id
                && n.getSender().getPlayerId() == self
                || m instanceof ErrorNotify e && e.getClientMsgId() == id && e.getRequestType() == MsgType.CHAT_REQUEST);
    }

    /**
     * Sends {@code request}. A scripted console then waits for the reply, so the output of each
     * line precedes the next; at a terminal the user may type ahead.
     */
    private void request(ParleyConnection connection, MessageLite request, Predicate<MessageLite> isReply) {
        CompletableFuture<MessageLite> reply = pending.expect(isReply);
        connection.send(request);
        if (!console.isInteractive() && await(reply, options.replyTimeout()) == null && !exit.isDone()) {
            console.println("! no reply from the server within " + seconds(options.replyTimeout()));
        }
    }

    private static boolean isErrorFor(MessageLite m, MsgType requestType) {
        return m instanceof ErrorNotify e && e.getRequestType() == requestType;
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

    /** Shows what the server sends; runs on the connection's event loop. */
    private final class Listener implements ParleyConnection.Listener {
        @Override
        public void onMessage(MessageLite message) {
            // Formatted before the state follows the message: "Left room X" still knows X.
            for (String line : MessageFormatter.format(message, state)) {
                console.println(line);
            }
            state.apply(message);
            pending.offer(message); // after printing: a scripted command's output is complete
        }

        @Override
        public void onClosed(Throwable cause) {
            if (!closing && exit.complete(EXIT_CONNECTION_LOST)) {
                console.printError(cause == null ? "parley: the server closed the connection"
                        : "parley: connection lost: " + cause.getMessage());
            }
            pending.cancel();
        }
    }
}
