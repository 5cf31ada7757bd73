package dev.parley.account;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.protocol.pb.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backend-token verifier and the session tokens, with a fixed clock. */
class TokenVerifierTest {

    static final byte[] SECRET = "a-backend-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static RSAKey rsa;
    static ECKey ec;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    static TokenVerifier verifier(String issuer, String audience, Instant now) {
        return new TokenVerifier(SECRET, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())), issuer, audience,
                TokenVerifier.DEFAULT_CLOCK_SKEW, at(now));
    }

    static String hs256(String sub, String name, Duration ttl) {
        return DevTokens.hs256(SECRET, sub, name, List.of("mod"), "studio", "parley", NOW, ttl);
    }

    static SignedJWT parse(String token) throws Exception {
        return SignedJWT.parse(token);
    }

    static JWTClaimsSet.Builder claims(String sub, String name) {
        return new JWTClaimsSet.Builder().subject(sub).claim("name", name)
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    @Test
    void aValidHs256TokenGivesItsSubjectNameAndRoles() throws Exception {
        TokenVerifier.Claims c = verifier("studio", "parley", NOW).verify(parse(hs256("42", "Alice", Duration.ofHours(1))));
        assertThat(c).isEqualTo(new TokenVerifier.Claims("42", "Alice", List.of("mod")));
    }

    @Test
    void expiryIsCheckedWithTheClockSkewAllowed() throws Exception {
        String token = hs256("42", "Alice", Duration.ofMinutes(1));
        Instant exp = NOW.plusSeconds(60);
        assertThat(verifier(null, null, exp.plus(TokenVerifier.DEFAULT_CLOCK_SKEW)).verify(parse(token)).subject())
                .isEqualTo("42");
        assertThatThrownBy(() -> verifier(null, null, exp.plus(TokenVerifier.DEFAULT_CLOCK_SKEW).plusSeconds(1))
                .verify(parse(token)))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.result()).isEqualTo(Result.INVALID_CREDENTIALS);
                    assertThat(e.kind()).isEqualTo(TokenRejectedException.Kind.EXPIRED);
                    assertThat(e.getMessage()).contains("expired");
                });
    }

    @Test
    void aTokenWithoutExpOrFromTheFutureIsRefused() throws Exception {
        SignedJWT noExp = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().subject("1").claim("name", "Bob").build());
        noExp.sign(new MACSigner(SECRET));
        assertRejected(noExp, TokenRejectedException.Kind.CLAIMS, "exp");
        SignedJWT notYet = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                claims("1", "Bob").notBeforeTime(Date.from(NOW.plusSeconds(120))).build());
        notYet.sign(new MACSigner(SECRET));
        assertRejected(notYet, TokenRejectedException.Kind.EXPIRED, "not valid yet");
        SignedJWT future = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                claims("1", "Bob").issueTime(Date.from(NOW.plusSeconds(120))).build());
        future.sign(new MACSigner(SECRET));
        assertRejected(future, TokenRejectedException.Kind.CLAIMS, "iat");
    }

    @Test
    void aWrongSignatureIsRefused() throws Exception {
        String other = DevTokens.hs256("another-secret-that-is-32-bytes-long!!".getBytes(StandardCharsets.UTF_8),
                "42", "Alice", List.of(), "studio", "parley", NOW, Duration.ofHours(1));
        assertRejected(parse(other), TokenRejectedException.Kind.SIGNATURE, "signature");
        // a valid token with its payload altered
        String[] parts = hs256("42", "Alice", Duration.ofHours(1)).split("\\.");
        String forged = parts[0] + "." + parse(hs256("1", "Admin", Duration.ofHours(1))).getParsedParts()[1] + "." + parts[2];
        assertRejected(parse(forged), TokenRejectedException.Kind.SIGNATURE, "signature");
    }

    @Test
    void theIssuerAndAudienceAreCheckedWhenSet() throws Exception {
        SignedJWT token = parse(hs256("42", "Alice", Duration.ofHours(1)));
        assertThat(verifier(null, null, NOW).verify(token).subject()).isEqualTo("42");
        assertThatThrownBy(() -> verifier("other-studio", null, NOW).verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.getMessage()).contains("issuer"));
        assertThatThrownBy(() -> verifier(null, "other-game", NOW).verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.getMessage()).contains("audience"));
    }

    @Test
    void rs256AndEs256TokensAreCheckedAgainstTheKeyTheirKidNames() throws Exception {
        SignedJWT r = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
                claims("r", "Rita").build());
        r.sign(new RSASSASigner(rsa));
        assertThat(verifier(null, null, NOW).verify(parse(r.serialize())).name()).isEqualTo("Rita");
        SignedJWT e = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
                claims("e", "Ed").build());
        e.sign(new ECDSASigner(ec));
        assertThat(verifier(null, null, NOW).verify(parse(e.serialize())).name()).isEqualTo("Ed");
        // signed by the EC key but naming the RSA key
        SignedJWT crossed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("rsa-1").build(),
                claims("e", "Ed").build());
        crossed.sign(new ECDSASigner(ec));
        assertRejected(parse(crossed.serialize()), TokenRejectedException.Kind.SIGNATURE, "signature");
    }

    @Test
    void anUnknownKeyIdIsRefusedWithItsName() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-2").build(),
                claims("r", "Rita").build());
        t.sign(new RSASSASigner(stranger));
        assertRejected(parse(t.serialize()), TokenRejectedException.Kind.SIGNATURE, "unknown key id 'rsa-2'");
    }

    @Test
    void aNameThatBreaksTheNameRulesIsRefusedWithTheRule() throws Exception {
        assertThatThrownBy(() -> verifier(null, null, NOW).verify(parse(hs256("42", "x".repeat(40), Duration.ofHours(1)))))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.result()).isEqualTo(Result.INVALID_REQUEST);
                    assertThat(e.kind()).isEqualTo(TokenRejectedException.Kind.NAME);
                    assertThat(e.getMessage()).startsWith("the token's name claim: ");
                });
    }

    @Test
    void rolesMustBeStringsAndAnUnacceptedAlgorithmIsMalformed() throws Exception {
        SignedJWT badRoles = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("1", "Bob").claim("roles", 7).build());
        badRoles.sign(new MACSigner(SECRET));
        assertRejected(badRoles, TokenRejectedException.Kind.CLAIMS, "roles");
        SignedJWT hs512 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims("1", "Bob").build());
        hs512.sign(new MACSigner((new String(SECRET, StandardCharsets.UTF_8).repeat(2)).getBytes(StandardCharsets.UTF_8)));
        assertRejected(hs512, TokenRejectedException.Kind.MALFORMED, "HS512");
    }

    @Test
    void sessionTokensRoundTripExpireAsSessionExpiredAndDoNotVerifyUnderAnotherKey() throws Exception {
        byte[] key = "the-session-key-of-this-database-1234".getBytes(StandardCharsets.UTF_8);
        SessionTokens tokens = new SessionTokens(key, Duration.ofHours(24), at(NOW));
        SessionTokens.Issued issued = tokens.issue(7, List.of("mod"));
        assertThat(issued.expiresAtMs()).isEqualTo(NOW.plus(Duration.ofHours(24)).toEpochMilli());
        SignedJWT jwt = parse(issued.token());
        assertThat(SessionTokens.isSessionToken(jwt)).isTrue();
        assertThat(SessionTokens.isSessionToken(parse(hs256("1", "A", Duration.ofHours(1))))).isFalse();
        assertThat(tokens.verify(jwt)).isEqualTo(new SessionTokens.Claims(7, List.of("mod")));
        assertThat(tokens.issue(7, List.of()).token()).isNotEqualTo(issued.token()); // its own token id

        SessionTokens later = new SessionTokens(key, Duration.ofHours(24), at(NOW.plus(Duration.ofHours(24)).plusSeconds(1)));
        assertThatThrownBy(() -> later.verify(jwt)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.result()).isEqualTo(Result.SESSION_EXPIRED));
        SessionTokens otherDatabase = new SessionTokens("another-database-session-key-1234567".getBytes(
                StandardCharsets.UTF_8), Duration.ofHours(24), at(NOW));
        assertThatThrownBy(() -> otherDatabase.verify(jwt)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.result()).isEqualTo(Result.INVALID_CREDENTIALS);
            assertThat(e.kind()).isEqualTo(TokenRejectedException.Kind.SIGNATURE);
        });
        // a backend token dressed as a session token does not verify either
        SignedJWT dressed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType(SessionTokens.TYPE)).build(), claims("7", "x").build());
        dressed.sign(new MACSigner(SECRET));
        assertThatThrownBy(() -> tokens.verify(dressed)).isInstanceOf(TokenRejectedException.class);
    }

    private static void assertRejected(SignedJWT token, TokenRejectedException.Kind kind, String reasonPart) {
        assertThatThrownBy(() -> verifier(null, null, NOW).verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.getMessage()).contains(reasonPart);
                });
    }
}
