package dev.parley.client;

import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;

/**
 * The server refused a request: a response with a result other than {@code OK}, or an
 * {@code ErrorNotify} about it. The message is {@code RESULT: reason} as the server sent it
 * (the reason is untrusted text: sanitize it before showing it on a terminal).
 */
public final class RequestRefusedException extends ParleyException {

    private final Result result;
    private final int resultValue;
    private final String reason;
    private final MsgType requestType;

    RequestRefusedException(Result result, int resultValue, String reason, MsgType requestType) {
        super(describe(result, resultValue, reason), null);
        this.result = result;
        this.resultValue = resultValue;
        this.reason = reason;
        this.requestType = requestType;
    }

    /** {@code RESULT: reason}, or {@code result N: reason} for a result newer than this client; no reason, no colon. */
    public static String describe(Result result, int resultValue, String reason) {
        String name = result == Result.UNRECOGNIZED ? "result " + resultValue : result.name();
        return reason.isEmpty() ? name : name + ": " + reason;
    }

    /** The server's result; {@link Result#UNRECOGNIZED} for one newer than this client (see {@link #resultValue()}). */
    public Result result() {
        return result;
    }

    public int resultValue() {
        return resultValue;
    }

    /** The server's human-readable reason, possibly empty. */
    public String reason() {
        return reason;
    }

    /** The type of the refused request. */
    public MsgType requestType() {
        return requestType;
    }
}
