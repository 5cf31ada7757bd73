package dev.parley.account;

import dev.parley.protocol.pb.Result;

/**
 * A token login refused: the {@link Result} the client gets, the reason it reads, and the
 * {@link Kind} the metrics count it under. Thrown by {@link TokenVerifier} and
 * {@link SessionTokens}; no stack trace (it is an answer, not a failure of the server).
 */
public final class TokenRejectedException extends Exception {

    /** Why, for the {@code parley.logins.token.refused} metric's {@code reason} tag. */
    public enum Kind {
        /** Not a signed JWT, or an algorithm or type this server does not take. */
        MALFORMED,
        /** The signature does not match, or the key id is unknown. */
        SIGNATURE,
        /** Past {@code exp}, or before {@code nbf}. */
        EXPIRED,
        /** A required claim is missing or wrong: issuer, audience, subject, roles. */
        CLAIMS,
        /** The {@code name} claim breaks the name rules or belongs to another player. */
        NAME;

        /** The metric tag. */
        public String tag() {
            return "token_" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final transient Result result;
    private final Kind kind;

    public TokenRejectedException(Result result, Kind kind, String reason) {
        super(reason, null, false, false);
        this.result = result;
        this.kind = kind;
    }

    public Result result() {
        return result;
    }

    public Kind kind() {
        return kind;
    }
}
