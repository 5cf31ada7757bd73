package dev.parley.client.console;

/** One line the user typed, understood: a slash command, a chat line, or a mistake to explain. */
sealed interface Command {

    /** {@code /list}: ask for the rooms. */
    record ListRooms() implements Command {
    }

    /** {@code /create NAME}: create a room and enter it. */
    record CreateRoom(String name) implements Command {
    }

    /** {@code /join ID}: enter an existing room, besides those the client is in. */
    record JoinRoom(long roomId) implements Command {
    }

    /** {@code /leave [ID]}: leave room {@code roomId}, or with 0 the current room. */
    record LeaveRoom(long roomId) implements Command {
    }

    /** {@code /rooms}: the rooms the client is in, the current one marked. */
    record MyRooms() implements Command {
    }

    /** {@code /switch ID}: make room {@code roomId} (one the client is in) the current room, where plain lines go. */
    record Switch(long roomId) implements Command {
    }

    /** {@code /history [N]}: show the last {@code count} messages of the current room. */
    record History(int count) implements Command {
    }

    /** {@code /msg NAME text}: a direct message to player {@code name}. */
    record DirectMessage(String name, String text) implements Command {
    }

    /** {@code /msg NAME}: the last messages of the direct conversation with {@code name}. */
    record DirectHistory(String name) implements Command {
    }

    /** {@code /block NAME}: stop seeing that player's direct messages and room chat. */
    record Block(String name) implements Command {
    }

    /** {@code /unblock NAME}: see that player again. */
    record Unblock(String name) implements Command {
    }

    /** {@code /kick NAME [REASON]}: remove a player from the current room (moderators, the room's creator). */
    record Kick(String name, String reason) implements Command {
    }

    /**
     * {@code /mute NAME SECONDS [here|everywhere] [REASON]}: silence a player for a while, everywhere
     * or ({@code here}) in the current room only; 0 lifts that mute (moderators).
     */
    record Mute(String name, long seconds, boolean here, String reason) implements Command {
    }

    /** {@code /ban NAME [SECONDS] [REASON]}: ban a player, for good without SECONDS (admins). */
    record Ban(String name, long seconds, String reason) implements Command {
    }

    /** {@code /unban NAME}: lift a player's ban (admins). */
    record Unban(String name) implements Command {
    }

    /** {@code /delete SEQ}: delete message {@code seq} of the current room (one's own; a moderator: any). */
    record DeleteMessage(long seq) implements Command {
    }

    /** {@code /edit SEQ text}: replace the text of one's own message {@code seq} of the current room. */
    record EditMessage(long seq, String text) implements Command {
    }

    /** {@code /dmdelete NAME SEQ}: delete one's own direct message {@code seq} of the conversation with {@code name}. */
    record DeleteDirect(String name, long seq) implements Command {
    }

    /** {@code /dmedit NAME SEQ text}: replace the text of one's own direct message {@code seq} to {@code name}. */
    record EditDirect(String name, long seq, String text) implements Command {
    }

    /** {@code /reconnect}: close the connection, open a new one, log in again and resume the room. */
    record Reconnect() implements Command {
    }

    /** {@code /quit}: disconnect and exit. */
    record Quit() implements Command {
    }

    /** {@code /help}: show the commands. */
    record Help() implements Command {
    }

    /** Any other line: chat text for the current room. */
    record Chat(String text) implements Command {
    }

    /** A blank line: nothing to do (the server would refuse empty chat text). */
    record Blank() implements Command {
    }

    /** A line that looks like a command but is not one; {@code hint} says what to type instead. */
    record Invalid(String hint) implements Command {
    }
}
