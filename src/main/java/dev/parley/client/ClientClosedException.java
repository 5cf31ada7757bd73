package dev.parley.client;

/** The request was made after {@link ParleyClient#close()} or after the client ended for good. */
public final class ClientClosedException extends ParleyException {

    ClientClosedException() {
        super("the client is closed", null);
    }
}
