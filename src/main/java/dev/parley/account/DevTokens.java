package dev.parley.account;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Makes HS256 tokens the way a game backend would, for development ({@code parley token}), the
 * load generator and tests: {@code sub}, {@code name}, {@code iat}, {@code exp}, and
 * {@code roles}, {@code iss}, {@code aud} when given. A real backend uses its own JWT library;
 * nothing on the server's login path calls this. Stateless.
 */
public final class DevTokens {

    private DevTokens() {
    }

    /**
     * @param roles    null or empty = no roles claim
     * @param issuer   null = no iss
     * @param audience null = no aud
     */
    public static String hs256(byte[] secret, String subject, String name, List<String> roles, String issuer,
                               String audience, Instant issuedAt, Duration ttl) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("name", name)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(ttl)));
        if (roles != null && !roles.isEmpty()) {
            claims.claim("roles", roles);
        }
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
