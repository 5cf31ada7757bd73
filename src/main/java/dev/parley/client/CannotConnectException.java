package dev.parley.client;

/** The server could not be reached: {@code cannot connect to HOST:PORT: reason}. */
public final class CannotConnectException extends ParleyException {

    CannotConnectException(String host, int port, Throwable cause) {
        super("cannot connect to " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
}
