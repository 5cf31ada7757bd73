package dev.parley.client;

/**
 * A chat message that would need a bigger frame than the server takes
 * ({@link ClientConfig#maxFrameBytes()}); it is refused before it is sent, because the server
 * closes a connection that sends an oversized frame.
 */
public final class MessageTooLongException extends ParleyException {

    private final int frameBytes;
    private final int maxFrameBytes;

    MessageTooLongException(int frameBytes, int maxFrameBytes) {
        super("message too long: it needs a " + frameBytes + "-byte frame; the server takes " + maxFrameBytes, null);
        this.frameBytes = frameBytes;
        this.maxFrameBytes = maxFrameBytes;
    }

    public int frameBytes() {
        return frameBytes;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}
