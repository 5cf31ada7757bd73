package dev.parley.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the framing rules: bad length, unknown or wrong-direction type, or a body that
 * does not parse. The connection that raised it is answered with an error and closed.
 */
public final class ProtocolViolationException extends DecoderException {

    private final int requestType;

    public ProtocolViolationException(String reason, int requestType) {
        super(reason);
        this.requestType = requestType;
    }

    /** The type number from the offending frame's header, or 0 if it was not read. */
    public int requestType() {
        return requestType;
    }
}
