package dev.parley.cli;

import dev.parley.account.DevTokens;
import dev.parley.account.SecretFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code parley token}: prints an HS256 token like the one a game backend hands its client, for
 * trying token login out and for tests; a real backend makes them with its own JWT library.
 */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints a signed HS256 token (JWT) for a player, as a game backend would issue it, for "
                + "development: the server started with --token-hmac-secret-file FILE logs it in (parley client "
                + "--token TOKEN)."})
public final class TokenCommand implements Callable<Integer> {

    @Option(names = "--secret-file", required = true, paramLabel = "FILE",
            description = "The secret the server's --token-hmac-secret-file names (its text, at least 32 bytes).")
    Path secretFile;

    @Option(names = "--sub", required = true, paramLabel = "ID", description = "The player's stable id in your game.")
    String subject;

    @Option(names = "--name", required = true, description = "The player's display name.")
    String name;

    @Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the token is valid (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE", description = "Roles, e.g. moderator,vip.")
    List<String> roles;

    @Option(names = "--issuer", paramLabel = "ISS", description = "The iss claim (for a server with --token-issuer).")
    String issuer;

    @Option(names = "--audience", paramLabel = "AUD",
            description = "The aud claim (for a server with --token-audience).")
    String audience;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        byte[] secret = SecretFile.read(secretFile, "secret-file");
        spec.commandLine().getOut().println(DevTokens.hs256(secret, subject, name, roles, issuer, audience,
                Instant.now(), ttl));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
