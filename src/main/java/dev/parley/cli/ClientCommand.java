package dev.parley.cli;

import dev.parley.client.console.ClientOptions;
import dev.parley.client.console.ConsoleClient;
import dev.parley.client.console.LineConsole;
import dev.parley.client.console.StreamLineConsole;
import dev.parley.client.console.TerminalLineConsole;
import dev.parley.protocol.Frames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code parley client}: the console chat client, interactive on a terminal, scriptable through a pipe. */
@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connects to a Parley server, logs in and chats. Type /help for the commands.",
                "On a terminal, incoming messages appear above the line being typed. With piped input, "
                        + "commands are read one per line, each waiting for its reply, and the client exits "
                        + "at the end of input.",
                "Commands: /list, /create NAME, /join ID, /leave, /history [N], /reconnect, /quit, /help; "
                        + "any other line is chat.",
                "A lost connection is restored: the client reconnects, logs in again and resumes its room, "
                        + "showing the messages it missed.",
                "Exit codes: 0 quit or end of input; 1 login failed; 2 cannot connect or bad usage; "
                        + "3 the connection was lost and could not be restored (or the server closed it "
                        + "for a protocol violation)."})
public final class ClientCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "7777", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--name", description = "Player name (asked for if omitted).")
    String name;

    @Option(names = "--password", defaultValue = "${env:PARLEY_PASSWORD}",
            description = "Password (default: the PARLEY_PASSWORD environment variable; asked for, without echo, "
                    + "if neither is given). A password on the command line is visible to other local users.")
    String password;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Log in with this token from your game's backend (a JWT; see parley token) instead of a "
                    + "name and password. Visible to other local users: prefer --token-file.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Log in with the token in FILE.")
    Path tokenFile;

    @Option(names = "--max-frame", defaultValue = "" + Frames.DEFAULT_MAX_CLIENT_FRAME, paramLabel = "BYTES",
            description = "The server's --max-frame: longer chat lines are refused here rather than by a "
                    + "disconnect (default: ${DEFAULT-VALUE}).")
    int maxFrame;

    @Option(names = "--reconnect-for", defaultValue = "1m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to keep trying to reconnect after the connection is lost, e.g. 30s, 2m; "
                    + "0 exits at once instead (default: ${DEFAULT-VALUE}).")
    Duration reconnectFor;

    @CommandLine.Mixin
    TlsFlags tls;

    @Override
    public Integer call() throws IOException {
        if (token != null && tokenFile != null) {
            throw new IllegalArgumentException("give --token or --token-file, not both");
        }
        String loginToken = tokenFile != null ? Files.readString(tokenFile).strip() : token;
        if (loginToken != null && (name != null || password != null)) {
            throw new IllegalArgumentException("a token names the player: drop --name and --password"
                    + (password != null ? " (or unset PARLEY_PASSWORD)" : ""));
        }
        ClientOptions options = ClientOptions.of(host, port, name, password).withMaxFrameBytes(maxFrame)
                .withReconnectFor(reconnectFor).withTls(tls.options()).withToken(loginToken);
        try (LineConsole console = TerminalLineConsole.isSystemTerminal() ? TerminalLineConsole.open()
                : StreamLineConsole.standardStreams()) {
            return new ConsoleClient(options, console).run();
        }
    }
}
