package dev.parley.client;

/**
 * The connection was lost and could not be restored: the reconnect policy's time ran out, or
 * the server refused the new login for good (e.g. the password changed). Given to
 * {@link ParleyListener#onClosed}; requests waiting for the reconnect fail with it.
 */
public final class ReconnectFailedException extends ParleyException {

    private final boolean refused;

    ReconnectFailedException(String message, Throwable lastProblem, boolean refused) {
        super(message, lastProblem);
        this.refused = refused;
    }

    /** True when the server refused the login (retrying cannot help); false when time ran out. */
    public boolean refused() {
        return refused;
    }
}
