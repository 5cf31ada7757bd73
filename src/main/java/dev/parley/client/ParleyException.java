package dev.parley.client;

/**
 * Why a {@link ParleyClient} request or the client itself failed. Futures of the client
 * complete exceptionally with one of its subclasses (wrapped in a
 * {@link java.util.concurrent.CompletionException} where {@code CompletableFuture} does so).
 */
public abstract class ParleyException extends RuntimeException {

    ParleyException(String message, Throwable cause) {
        super(message, cause);
    }
}
