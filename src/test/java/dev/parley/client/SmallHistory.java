package dev.parley.client;

import dev.parley.server.ServerConfig;

import java.util.List;
import java.util.function.Consumer;

/**
 * The server settings of the client tests: a join holds 3 messages and a history page at most 5,
 * so a resume or a history read of more takes pages; "lobby" is a permanent room, which
 * survives a restart.
 */
public final class SmallHistory {

    public static final int JOIN_HISTORY = 3;
    public static final int HISTORY_MAX = 5;

    private SmallHistory() {
    }

    /** The settings on loopback {@code port}; 0 is any free port. */
    public static Consumer<ServerConfig.Builder> config(int port) {
        return c -> c.port(port).joinHistory(JOIN_HISTORY).historyMax(HISTORY_MAX).permanentRooms(List.of("lobby"));
    }
}
