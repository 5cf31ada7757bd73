package dev.parley.account;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.content.Names;
import dev.parley.protocol.pb.Result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a JWT from the game's backend: HS256 against a shared secret, RS256 or ES256 against
 * the public keys of a JWKS (the header's {@code kid} selects the key), then the claims:
 * {@code exp} required and {@code nbf}/{@code iat} sane, each within {@link #DEFAULT_CLOCK_SKEW};
 * {@code iss} and {@code aud} when configured; {@code sub} (the player's stable id), {@code name}
 * (the display name, by the same rules as a password login's name) and optional {@code roles}
 * (an array of strings). Signatures are checked by nimbus-jose-jwt; no hand-rolled parsing.
 *
 * <p>Immutable and thread-safe; {@link #verify} costs microseconds (HMAC) to tens of
 * microseconds (RSA, ECDSA) and runs on the login threads.
 */
public final class TokenVerifier {

    /** How far the backend's clock may be from ours for exp, nbf and iat. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** The longest {@code sub} an account can be linked to (the database column's width). */
    public static final int MAX_SUBJECT = 255;
    /** Bounds of the {@code roles} claim: a token is not a place for a database. */
    public static final int MAX_ROLES = 32;
    public static final int MAX_ROLE_LENGTH = 64;

    /** What a valid backend token says: who the player is, what to call them, and their roles. */
    public record Claims(String subject, String name, List<String> roles) {
    }

    private final JWSVerifier hmac;
    private final Map<String, JWSVerifier> byKeyId;
    private final String issuer;
    private final String audience;
    private final Duration skew;
    private final Clock clock;

    /**
     * @param hmacSecret the HS256 secret, or null for none
     * @param keys       public keys for RS256 / ES256, or null for none
     * @param issuer     the required {@code iss}, or null for any
     * @param audience   the {@code aud} that must be among the token's audiences, or null for any
     */
    public TokenVerifier(byte[] hmacSecret, JWKSet keys, String issuer, String audience, Duration skew, Clock clock) {
        try {
            this.hmac = hmacSecret == null ? null : new MACVerifier(hmacSecret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("token HMAC secret: " + e.getMessage(), e);
        }
        this.byKeyId = keys == null ? Map.of() : verifiers(keys);
        this.issuer = issuer;
        this.audience = audience;
        this.skew = skew;
        this.clock = clock;
    }

    /**
     * The verifier of the configured files, or null when neither is given.
     *
     * @throws IOException one line naming the option: unreadable file, short secret, a JWKS that does not parse
     */
    public static TokenVerifier fromFiles(Path hmacSecretFile, Path jwksFile, String issuer, String audience)
            throws IOException {
        if (hmacSecretFile == null && jwksFile == null) {
            return null;
        }
        byte[] secret = hmacSecretFile == null ? null : SecretFile.read(hmacSecretFile, "token-hmac-secret-file");
        JWKSet keys = null;
        if (jwksFile != null) {
            try {
                keys = JWKSet.parse(Files.readString(jwksFile));
            } catch (IOException | ParseException e) {
                throw new IOException("token-jwks-file: cannot read a JWKS from " + jwksFile + ": " + e.getMessage(), e);
            }
            if (keys.getKeys().isEmpty()) {
                throw new IOException("token-jwks-file: " + jwksFile + " holds no keys");
            }
        }
        try {
            return new TokenVerifier(secret, keys, issuer, audience, DEFAULT_CLOCK_SKEW, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Map<String, JWSVerifier> verifiers(JWKSet keys) {
        Map<String, JWSVerifier> out = new HashMap<>();
        for (JWK key : keys.getKeys()) {
            String kid = key.getKeyID();
            if (kid == null || kid.isEmpty()) {
                throw new IllegalArgumentException("token-jwks-file: every key needs a kid (key id)");
            }
            try {
                if (key instanceof RSAKey rsa) {
                    out.put(kid, new RSASSAVerifier(rsa.toRSAPublicKey()));
                } else if (key instanceof ECKey ec) {
                    out.put(kid, new ECDSAVerifier(ec.toECPublicKey()));
                } else {
                    throw new IllegalArgumentException("token-jwks-file: key '" + kid + "' is " + key.getKeyType()
                            + "; only RSA (RS256) and EC (ES256) public keys are taken");
                }
            } catch (JOSEException e) {
                throw new IllegalArgumentException("token-jwks-file: key '" + kid + "': " + e.getMessage(), e);
            }
        }
        return Map.copyOf(out);
    }

    /** Checks {@code jwt} (parsed, not yet verified) and returns its claims. */
    public Claims verify(SignedJWT jwt) throws TokenRejectedException {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        JWSVerifier verifier;
        if (JWSAlgorithm.HS256.equals(alg)) {
            verifier = hmac;
            if (verifier == null) {
                throw malformed("HS256 tokens are not accepted here (no token-hmac-secret-file)");
            }
        } else if (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg)) {
            if (byKeyId.isEmpty()) {
                throw malformed(alg + " tokens are not accepted here (no token-jwks-file)");
            }
            String kid = jwt.getHeader().getKeyID();
            verifier = kid == null ? null : byKeyId.get(kid);
            if (verifier == null) {
                throw new TokenRejectedException(Result.INVALID_CREDENTIALS, TokenRejectedException.Kind.SIGNATURE,
                        kid == null ? "the token names no key id (kid)" : "unknown key id '" + kid + "'");
            }
        } else {
            throw malformed("algorithm " + alg + " is not accepted; use HS256, RS256 or ES256");
        }
        if (!verified(jwt, verifier)) {
            throw badSignature();
        }
        JWTClaimsSet claims = claimsOf(jwt);
        checkTimes(claims, clock, skew);
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw claims("wrong issuer '" + claims.getIssuer() + "'");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw claims("wrong audience " + claims.getAudience());
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT) {
            throw claims("the sub claim must be the player's id, 1-" + MAX_SUBJECT + " characters");
        }
        return new Claims(subject, name(claims), roles(claims));
    }

    /** The signature check; a key that cannot verify this algorithm (an EC key for RS256) does not match. */
    static boolean verified(SignedJWT jwt, JWSVerifier verifier) {
        try {
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            return false;
        }
    }

    static JWTClaimsSet claimsOf(SignedJWT jwt) throws TokenRejectedException {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw malformed("the token's claims do not parse: " + e.getMessage());
        }
    }

    /** {@code exp} required, {@code nbf} and {@code iat} not in the future, each within {@code skew}. */
    static void checkTimes(JWTClaimsSet claims, Clock clock, Duration skew) throws TokenRejectedException {
        long now = clock.millis();
        long slack = skew.toMillis();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw claims("the token has no exp (expiry) claim");
        }
        if (now > exp.getTime() + slack) {
            throw new TokenRejectedException(Result.INVALID_CREDENTIALS, TokenRejectedException.Kind.EXPIRED,
                    "the token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now + slack < nbf.getTime()) {
            throw new TokenRejectedException(Result.INVALID_CREDENTIALS, TokenRejectedException.Kind.EXPIRED,
                    "the token is not valid yet (nbf)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now + slack < iat.getTime()) {
            throw claims("the token was issued in the future (iat); check the clocks");
        }
    }

    private static String name(JWTClaimsSet claims) throws TokenRejectedException {
        Object raw = claims.getClaim("name");
        if (!(raw instanceof String given)) {
            throw new TokenRejectedException(Result.INVALID_REQUEST, TokenRejectedException.Kind.NAME,
                    "the token has no name claim (the player's display name)");
        }
        String name = Names.normalise(given);
        String reason = Names.checkPlayerName(name);
        if (reason != null) {
            throw new TokenRejectedException(Result.INVALID_REQUEST, TokenRejectedException.Kind.NAME,
                    "the token's name claim: " + reason);
        }
        return name;
    }

    static List<String> roles(JWTClaimsSet claims) throws TokenRejectedException {
        List<String> roles;
        try {
            roles = claims.getStringListClaim("roles");
        } catch (ParseException e) {
            throw claims("the roles claim must be an array of strings");
        }
        if (roles == null) {
            return List.of();
        }
        if (roles.size() > MAX_ROLES) {
            throw claims("more than " + MAX_ROLES + " roles");
        }
        for (String role : roles) {
            if (role == null || role.isEmpty() || role.length() > MAX_ROLE_LENGTH) {
                throw claims("each role must be 1-" + MAX_ROLE_LENGTH + " characters");
            }
        }
        return List.copyOf(roles);
    }

    static TokenRejectedException malformed(String reason) {
        return new TokenRejectedException(Result.INVALID_REQUEST, TokenRejectedException.Kind.MALFORMED, reason);
    }

    static TokenRejectedException badSignature() {
        return new TokenRejectedException(Result.INVALID_CREDENTIALS, TokenRejectedException.Kind.SIGNATURE,
                "the token's signature does not match");
    }

    private static TokenRejectedException claims(String reason) {
        return new TokenRejectedException(Result.INVALID_CREDENTIALS, TokenRejectedException.Kind.CLAIMS, reason);
    }
}
