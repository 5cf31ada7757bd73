package dev.parley.account;

import java.util.concurrent.Executor;

/**
 * How a server takes logins besides passwords: which tokens it accepts, whether names and
 * passwords still log in, and where token logins are checked. Immutable.
 *
 * @param backend       verifier of the game backend's tokens; null = backend tokens are not accepted
 * @param sessions      the server's session tokens, issued on every login; null = none (tests of
 *                      other layers)
 * @param passwordLogin whether a name and password log in
 * @param checks        runs token logins; null = the hashing executor. A token login costs
 *                      microseconds of signature check and one account read, not a PBKDF2, so a
 *                      reconnect storm deserves a deeper queue than the one sized for hashing
 */
public record TokenLogins(TokenVerifier backend, SessionTokens sessions, boolean passwordLogin, Executor checks) {

    /** Passwords only, no session tokens. */
    public static final TokenLogins NONE = new TokenLogins(null, null, true, null);
}
