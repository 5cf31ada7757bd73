package dev.parley.loadgen;

/** The load could not be set up (connect, login, create or join failed); the message says how. */
public final class LoadgenSetupException extends IllegalStateException {

    public LoadgenSetupException(String message) {
        super(message);
    }
}
