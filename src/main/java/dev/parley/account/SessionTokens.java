package dev.parley.account;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.protocol.pb.Result;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The server's own session tokens: HS256 JWTs with header type {@value #TYPE} and issuer
 * {@value #ISSUER}, {@code sub} the player id, {@code jti} a random token id, {@code exp} a
 * session TTL after issue, and the player's {@code roles}. They are signed with the session key
 * (kept in the database, or a configured file), so they survive restarts and a token from
 * another database (another key) does not verify.
 *
 * <p>An expired one is answered {@link Result#SESSION_EXPIRED}, which tells the client to log in
 * with its backend token or password again; any other fault is {@code INVALID_CREDENTIALS}.
 * Immutable and thread-safe; signing and verifying cost microseconds.
 */
public final class SessionTokens {

    /** The JOSE header type that tells a session token from a backend token. */
    public static final String TYPE = "parley-session";
    public static final String ISSUER = "parley";
    private static final JOSEObjectType JOSE_TYPE = new JOSEObjectType(TYPE);

    /** A session token and when it expires (epoch ms). */
    public record Issued(String token, long expiresAtMs) {
    }

    /** What a valid session token says. */
    public record Claims(long playerId, List<String> roles) {
    }

    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private final Duration ttl;
    private final Clock clock;

    /** @param key at least {@link SecretFile#MIN_BYTES} bytes */
    public SessionTokens(byte[] key, Duration ttl, Clock clock) {
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("session key: " + e.getMessage(), e);
        }
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Whether {@code jwt} claims to be a session token (by its header type); not yet verified. */
    public static boolean isSessionToken(SignedJWT jwt) {
        return JOSE_TYPE.equals(jwt.getHeader().getType());
    }

    /** A new session token for {@code playerId}. */
    public Issued issue(long playerId, List<String> roles) {
        long now = clock.millis();
        long expires = now + ttl.toMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(Long.toString(playerId))
                .jwtID(UUID.randomUUID().toString())
                .issueTime(new Date(now))
                .expirationTime(new Date(expires))
                .claim("roles", roles)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSE_TYPE).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a session token", e); // a valid HS256 key always signs
        }
        return new Issued(jwt.serialize(), expires);
    }

    /** Checks a session token ({@link #isSessionToken}) and returns whom it logs in. */
    public Claims verify(SignedJWT jwt) throws TokenRejectedException {
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw TokenVerifier.malformed("a session token is HS256");
        }
        if (!TokenVerifier.verified(jwt, verifier)) {
            throw new TokenRejectedException(Result.INVALID_CREDENTIALS, TokenRejectedException.Kind.SIGNATURE,
                    "the session token was not issued by this server's database (or was altered); log in again");
        }
        JWTClaimsSet claims = TokenVerifier.claimsOf(jwt);
        try {
            TokenVerifier.checkTimes(claims, clock, Duration.ZERO);
        } catch (TokenRejectedException e) {
            if (e.kind() == TokenRejectedException.Kind.EXPIRED) {
                throw new TokenRejectedException(Result.SESSION_EXPIRED, e.kind(),
                        "the session token has expired; log in with your game token or password again");
            }
            throw e;
        }
        long playerId;
        try {
            playerId = Long.parseLong(claims.getSubject());
        } catch (NumberFormatException e) {
            throw TokenVerifier.malformed("the session token names no player");
        }
        return new Claims(playerId, TokenVerifier.roles(claims));
    }
}
