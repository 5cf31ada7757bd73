package dev.parley.client.console;

import dev.parley.client.CannotConnectException;
import dev.parley.client.ClientClosedException;
import dev.parley.client.ConnectionLostException;
import dev.parley.client.MessageTooLongException;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyException;
import dev.parley.client.ParleyListener;
import dev.parley.client.ReconnectFailedException;
import dev.parley.client.RequestRefusedException;
import dev.parley.client.Resumption;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.RoomInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The console chat client: a user interface over {@link ParleyClient}. It turns typed lines into
 * the library's requests, and the replies and the library's events into lines on a
 * {@link LineConsole}.
 *
 * <p>Input is read on a thread of its own; everything from the server is shown from the client
 * thread of the library (replies too: requests are made through {@link ParleyClient#call}), so a
 * notice appears while the user is typing and all output is in the server's order. The calling
 * thread only waits for the end, which comes from the input ({@code /quit}, end of input) or from
 * the library (the connection was lost for good), whichever is first.
 *
 * <p>A lost connection is restored by the library; {@code /reconnect} asks it to do the same on
 * purpose. Commands typed meanwhile wait in the library until it is back.
 */
public final class ConsoleClient implements ParleyListener {

    /** Exit code: the user quit, or the input ended. */
    public static final int EXIT_OK = 0;
    /** Exit code: the login was refused, timed out, or no name or password was given. */
    public static final int EXIT_LOGIN_FAILED = 1;
    /** Exit code: the server could not be reached (also picocli's code for bad usage). */
    public static final int EXIT_CANNOT_CONNECT = 2;
    /** Exit code: the connection was lost and could not be restored, or the server closed it for a violation. */
    public static final int EXIT_CONNECTION_LOST = 3;

    private final ClientOptions options;
    private final LineConsole console;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile ParleyClient client;
    /** The room plain lines go to (see {@link #currentRoom}); 0 = none chosen. */
    private volatile long current;
    /** Done when the output of the last command is shown; the end of input waits for it. */
    private volatile CompletableFuture<?> lastShown = CompletableFuture.completedFuture(null);

    public ConsoleClient(ClientOptions options, LineConsole console) {
        this.options = options;
        this.console = console;
    }

    /** Runs the session to its end and returns the exit code (one of the {@code EXIT_} constants). */
    public int run() {
        if (options.token() != null) {
            client = ParleyClient.create(options.toConfig(null, null), this);
            return session();
        }
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
        client = ParleyClient.create(options.toConfig(name.strip(), password), this);
        return session();
    }

    /** Logs the created client in and runs the session to its end. */
    private int session() {
        try {
            int loginCode = login();
            if (loginCode != EXIT_OK) {
                return loginCode;
            }
            Thread input = new Thread(this::readCommands, "parley-console-input");
            input.setDaemon(true); // may stay blocked on input after the server has gone
            input.start();
            return exit.join();
        } finally {
            closing = true;
            client.close();
        }
    }

    private int login() {
        try {
            LoginResponse r = client.await(client.start());
            console.println(MessageFormatter.loggedIn(r));
            MessageFormatter.unread(r.getConversationsList()).forEach(console::println);
            return EXIT_OK;
        } catch (CannotConnectException e) {
            console.printError("parley: " + e.getMessage());
            return EXIT_CANNOT_CONNECT;
        } catch (ConnectionLostException e) {
            console.printError("parley: " + e.getMessage());
            return EXIT_CONNECTION_LOST;
        } catch (RequestRefusedException e) {
            console.printError("parley: login failed: " + MessageFormatter.describe(e));
            return EXIT_LOGIN_FAILED;
        } catch (ParleyException e) {
            console.printError("parley: login failed: " + e.getMessage());
            return EXIT_LOGIN_FAILED;
        }
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
            if (!console.isInteractive()) {
                CompletableFuture.anyOf(client.whenOnline(), exit).exceptionally(e -> null).join();
            }
            try {
                CompletableFuture.anyOf(lastShown, exit).get(options.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // the drain time is up, or the last command failed (and said so): the end either way
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
        } else if (command instanceof Command.Invalid i) {
            console.println("! " + i.hint());
        } else if (command instanceof Command.ListRooms) {
            request(client::listRooms, MessageFormatter::roomList);
        } else if (command instanceof Command.CreateRoom c) {
            request(() -> client.createRoom(c.name(), 0), r -> {
                current = r.getRoom().getRoomId();
                return MessageFormatter.format(r, client.state());
            });
        } else if (command instanceof Command.JoinRoom j) {
            request(() -> client.join(j.roomId()), r -> {
                current = r.getRoom().getRoomId();
                return MessageFormatter.format(r, client.state());
            });
        } else if (command instanceof Command.LeaveRoom l) {
            leave(l.roomId());
        } else if (command instanceof Command.MyRooms) {
            request(() -> client.call(() -> CompletableFuture.completedFuture(currentRoom())),
                    room -> MessageFormatter.myRooms(client.state().rooms(), room == null ? 0 : room.getRoomId()));
        } else if (command instanceof Command.Switch s) {
            switchTo(s.roomId());
        } else if (command instanceof Command.Chat c) {
            // the echo is shown as chat (onChat); in no room, the server's NOT_IN_ROOM says what to do
            request(() -> {
                RoomInfo room = currentRoom();
                return client.chat(room == null ? 0 : room.getRoomId(), c.text());
            }, echo -> List.of());
        } else if (command instanceof Command.DirectMessage d) {
            request(() -> client.sendDirect(d.name(), d.text()), echo -> List.of()); // shown by onDirectMessage
        } else if (command instanceof Command.DirectHistory d) {
            request(() -> client.directHistory(d.name(), null, null, CommandParser.HISTORY_DEFAULT),
                    r -> MessageFormatter.directHistory(r.getPeer().getName(), r.getMessagesList(), client.state().playerId()));
        } else if (command instanceof Command.Block b) {
            request(() -> client.block(b.name()), p -> List.of("* blocked " + MessageFormatter.printable(p.getName())
                    + ": you no longer see their direct messages or room chat"));
        } else if (command instanceof Command.Unblock u) {
            request(() -> client.unblock(u.name()), p -> List.of("* unblocked " + MessageFormatter.printable(p.getName())));
        } else if (command instanceof Command.Kick k) {
            RoomInfo room = currentRoom();
            if (room == null) {
                console.println("! not in a room: /kick removes a player from your current room");
            } else {
                request(() -> client.kick(room.getRoomId(), k.name(), k.reason()),
                        ok -> List.of("* kicked " + MessageFormatter.printable(k.name()) + " from " + room.getName()));
            }
        } else if (command instanceof Command.Mute m) {
            RoomInfo room = m.here() ? currentRoom() : null;
            if (m.here() && room == null) {
                console.println("! not in a room: /mute NAME SECONDS here mutes in your current room");
            } else {
                String where = room == null ? " everywhere" : " in " + room.getName();
                request(() -> client.mute(room == null ? 0 : room.getRoomId(), m.name(), Duration.ofSeconds(m.seconds()),
                                m.reason()),
                        ok -> List.of((m.seconds() == 0 ? "* unmuted " : "* muted ") + MessageFormatter.printable(m.name())
                                + where + (m.seconds() == 0 ? "" : " for " + m.seconds() + " s")));
            }
        } else if (command instanceof Command.Ban b) {
            request(() -> client.ban(b.name(), Duration.ofSeconds(b.seconds()), b.reason()),
                    ok -> List.of("* banned " + MessageFormatter.printable(b.name())
                            + (b.seconds() == 0 ? " for good" : " for " + b.seconds() + " s")));
        } else if (command instanceof Command.Unban u) {
            request(() -> client.unban(u.name()), ok -> List.of("* unbanned " + MessageFormatter.printable(u.name())));
        } else if (command instanceof Command.DeleteMessage d) {
            inCurrentRoom("/delete", room -> client.deleteMessage(room, d.seq(), ""));
        } else if (command instanceof Command.EditMessage e) {
            inCurrentRoom("/edit", room -> client.editMessage(room, e.seq(), e.text()));
        } else if (command instanceof Command.DeleteDirect d) {
            request(() -> client.deleteDirect(d.name(), d.seq()), seq -> List.of()); // shown by onDirectMessage
        } else if (command instanceof Command.EditDirect e) {
            request(() -> client.editDirect(e.name(), e.seq(), e.text()), seq -> List.of()); // shown by onDirectMessage
        } else if (command instanceof Command.History h) {
            history(h.count());
        } else if (command instanceof Command.Reconnect) {
            request(client::reconnect, back -> List.of()); // the library reports the reconnect (onConnectionLost, ...)
        }
        return !exit.isDone();
    }

    /**
     * The room plain lines and {@code /history} go to: the one chosen ({@code /switch}, or the
     * room entered last), or once that is left, the room entered last of those the client is in.
     */
    private RoomInfo currentRoom() {
        RoomInfo room = client.state().room(current);
        if (room == null) {
            room = client.state().room();
            current = room == null ? 0 : room.getRoomId();
        }
        return room;
    }

    /** {@code /leave [ID]}: the room named, or the current one; then says where plain lines go if that changed. */
    private void leave(long roomId) {
        RoomInfo named = roomId == 0 ? currentRoom() : null;
        long id = roomId != 0 ? roomId : named == null ? 0 : named.getRoomId();
        request(() -> client.leave(id), room -> {
            List<String> lines = new ArrayList<>();
            lines.add(MessageFormatter.left(room));
            RoomInfo now = room != null && room.getRoomId() == current ? currentRoom() : null;
            if (now != null) {
                lines.add(MessageFormatter.current(now)); // plain lines go elsewhere from now on
            }
            return lines;
        });
    }

    /** {@code /switch ID}: plain lines go to room {@code roomId} from now on, if the client is in it. */
    private void switchTo(long roomId) {
        RoomInfo room = client.state().room(roomId);
        if (room == null) {
            console.println("! not in room #" + Long.toUnsignedString(roomId) + "; /rooms lists your rooms, /join ID enters one");
            return;
        }
        current = roomId;
        console.println(MessageFormatter.current(room));
    }

    /** An edit or delete in the current room; the event itself is shown as chat (onChat). */
    private void inCurrentRoom(String command, java.util.function.LongFunction<CompletableFuture<Long>> change) {
        RoomInfo room = currentRoom();
        if (room == null) {
            console.println("! not in a room: " + command + " changes a message of your room (/create NAME or /join ID first)");
            return;
        }
        request(() -> change.apply(room.getRoomId()), seq -> List.of());
    }

    /** {@code /history N}: reads the room's latest messages and shows them as one block. */
    private void history(int count) {
        RoomInfo room = currentRoom();
        if (room == null) {
            console.println("! not in a room: /history shows the messages of your room (/create NAME or /join ID first)");
            return;
        }
        request(() -> client.history(room.getRoomId(), count), messages -> MessageFormatter.history(room, messages));
    }

    /**
     * Makes a request on the client thread and shows its reply there as {@code lines}, or its
     * failure. A scripted console then waits until that is shown, so the output of each line
     * precedes the next; at a terminal the user may type ahead.
     */
    private <T> void request(Supplier<CompletableFuture<T>> request, Function<T, List<String>> lines) {
        CompletableFuture<Void> shown = client.call(() -> request.get().handle((reply, failure) -> {
            if (failure == null) {
                lines.apply(reply).forEach(console::println);
            } else {
                showFailure(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
            return null;
        }));
        lastShown = shown;
        if (!console.isInteractive()) {
            CompletableFuture.anyOf(shown, exit).exceptionally(e -> null).join();
        }
    }

    private void showFailure(Throwable failure) {
        if (closing || exit.isDone() || failure instanceof ClientClosedException) {
            return; // the session is ending; its last line says why
        }
        if (failure instanceof RequestRefusedException e) {
            console.println(MessageFormatter.refusal(e));
        } else if (failure instanceof MessageTooLongException e) {
            console.println("! " + e.getMessage() + " (--max-frame)");
        } else if (failure instanceof ConnectionLostException) {
            console.println("! the connection was lost before the reply");
        } else {
            console.println("! " + MessageFormatter.printable(String.valueOf(failure.getMessage())));
        }
    }

    /** Ends the session with {@code code}, unless it has ended already; the line is printed first, so it precedes the exit. */
    private synchronized void end(int code, String errorLine) {
        if (!exit.isDone()) {
            console.printError(errorLine);
            exit.complete(code);
        }
    }

    // ---- ParleyListener: on the client thread ----

    @Override
    public void onChat(ChatNotify message) {
        MessageFormatter.format(message, client.state()).forEach(console::println);
    }

    @Override
    public void onDirectMessage(DirectMessageNotify message) {
        console.println(MessageFormatter.direct(message, client.state().playerId()));
    }

    @Override
    public void onMemberJoined(MemberJoinedNotify notice) {
        MessageFormatter.format(notice, client.state()).forEach(console::println);
    }

    @Override
    public void onMemberLeft(MemberLeftNotify notice) {
        MessageFormatter.format(notice, client.state()).forEach(console::println);
    }

    @Override
    public void onError(ErrorNotify error) {
        MessageFormatter.format(error, client.state()).forEach(console::println);
    }

    @Override
    public void onGoingAway(String reason, Duration reconnectIn) {
        // the delay is random: a script's output names it only when someone watches
        console.println("* the server is going away (" + MessageFormatter.printable(reason) + "); "
                + (console.isInteractive()
                ? String.format(Locale.ROOT, "reconnecting %.1f s after it closes the connection", reconnectIn.toMillis() / 1000.0)
                : "reconnecting a little after it closes the connection"));
    }

    @Override
    public void onConnectionLost(Throwable cause, boolean deliberate) {
        console.println(deliberate ? "* reconnecting..." : "* connection lost; reconnecting...");
    }

    @Override
    public void onReconnectAttemptFailed(String problem, Duration nextTry) {
        if (console.isInteractive()) { // a script's output stays the same however long it takes
            console.println("* still reconnecting (" + MessageFormatter.printable(problem) + "); next try in "
                    + String.format(Locale.ROOT, "%.1f s", nextTry.toMillis() / 1000.0));
        }
    }

    @Override
    public void onConnectionRestored(Resumption r) {
        if (r.previousRoom() == null) {
            console.println("* reconnected"); // in no room: the one call of this reconnect
            return;
        }
        if (r.room() == null) {
            console.println("* reconnected");
            console.println(MessageFormatter.notRejoined(r.previousRoom(), MessageFormatter.describe(r.rejoinRefused())));
            return;
        }
        console.println(MessageFormatter.resumed(r.room(), r.missed().size()));
        if (r.gapProblem() != null) {
            console.println("! some missed messages could not be read: " + MessageFormatter.describe(r.gapProblem()));
        }
        for (ChatNotify c : r.missed()) {
            console.println(MessageFormatter.chat(c, r.room().getName()));
        }
    }

    @Override
    public void onClosed(ParleyException cause) {
        if (closing) {
            return;
        }
        String why = MessageFormatter.printable(cause.getMessage());
        end(EXIT_CONNECTION_LOST, cause instanceof ReconnectFailedException
                ? "parley: connection lost; " + why : "parley: " + why);
    }
}
