package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.RoomInfo;

import java.util.List;

/**
 * The outcome of a reconnect for one room, given to {@link ParleyListener#onConnectionRestored}
 * (once per room the client was in).
 *
 * @param previousRoom the room the client was in when the connection was lost, or null when it was in none
 * @param room         the room it is back in (fresh info from the server), or null: it was in none, or
 *                     could not rejoin
 * @param rejoinRefused why the rejoin was refused (e.g. {@code ROOM_NOT_FOUND}: an ad-hoc room is gone with
 *                     its last member or a server restart), or null; the client is then no longer in that room
 * @param missed       the messages of {@code room} after the last one the client had, in seq order, each once
 * @param gapProblem   why part of the missed messages could not be read from history (they are left out), or
 *                     null
 */
public record Resumption(RoomInfo previousRoom, RoomInfo room, RequestRefusedException rejoinRefused,
                         List<ChatNotify> missed, RequestRefusedException gapProblem) {

    static Resumption noRoom() {
        return new Resumption(null, null, null, List.of(), null);
    }
}
