package dev.parley.cli;

import com.nimbusds.jwt.SignedJWT;
import dev.parley.account.TokenVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley token}: the README's one-line token, checked by the server's verifier. */
class TokenCommandTest {

    @Test
    void printsATokenTheServerAccepts(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==\n");
        String out = run(0, "token", "--secret-file", secret.toString(), "--sub", "42", "--name", "Alice",
                "--ttl", "1h", "--roles", "moderator,vip", "--issuer", "studio").strip();
        TokenVerifier verifier = TokenVerifier.fromFiles(secret, null, "studio", null);
        TokenVerifier.Claims claims = verifier.verify(SignedJWT.parse(out));
        assertThat(claims).isEqualTo(new TokenVerifier.Claims("42", "Alice", List.of("moderator", "vip")));
        long ttl = SignedJWT.parse(out).getJWTClaimsSet().getExpirationTime().getTime() - Clock.systemUTC().millis();
        assertThat(ttl).isBetween(3_500_000L, 3_600_000L);
    }

    @Test
    void aShortSecretIsOneClearLine(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("short");
        Files.writeString(secret, "too short\n");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("token", "--secret-file", secret.toString(), "--sub", "1", "--name", "A")).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .startsWith("parley: secret-file: ").contains("holds 9 bytes; HS256 needs at least 32").doesNotContain("\n");
    }

    private static String run(int expectedExit, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isEqualTo(expectedExit);
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
