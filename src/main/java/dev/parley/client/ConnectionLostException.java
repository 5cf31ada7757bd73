package dev.parley.client;

/**
 * The connection closed before the reply came (the request may or may not have been carried
 * out), or, given to {@link ParleyListener#onClosed}, the connection closed and is not restored.
 */
public final class ConnectionLostException extends ParleyException {

    ConnectionLostException(Throwable cause) {
        super(cause == null ? "the server closed the connection" : "connection lost: " + cause.getMessage(), cause);
    }

    /** True when the server closed the connection in an orderly way (no error on this side). */
    public boolean closedByServer() {
        return getCause() == null;
    }
}
