package dev.parley.loadgen;

import dev.parley.protocol.pb.Result;

/** A setup request (login, create, join) the server refused or could not answer. */
final class SetupFailure extends RuntimeException {

    private final Result result;

    SetupFailure(Result result, String reason) {
        super(reason, null, false, false);
        this.result = result;
    }

    /** The server's result, or null when the connection failed instead. */
    Result result() {
        return result;
    }
}
