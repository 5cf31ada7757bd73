package dev.parley.client;

/**
 * Given to {@link ParleyListener#onClosed}: the server closed this connection because a newer
 * login of the same player took over ({@code SESSION_REPLACED}). The client does not
 * reconnect, since that would take the name back from the newer session and the two would
 * replace each other forever.
 */
public final class SessionReplacedException extends ParleyException {

    SessionReplacedException() {
        super("replaced: the same player logged in on another connection", null);
    }
}
