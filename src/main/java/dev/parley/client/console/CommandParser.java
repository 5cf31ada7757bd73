package dev.parley.client.console;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Turns a typed line into a {@link Command}. A line starting with {@code /} is a command
 * (case-insensitive); {@code //} escapes a chat line that itself starts with {@code /}; anything
 * else is chat, sent exactly as typed.
 */
final class CommandParser {

    /** Messages {@code /history} shows without a count. */
    static final int HISTORY_DEFAULT = 20;
    /** The most {@code /history} shows; more than a server page is read in several pages. */
    static final int HISTORY_MAX = 1000;

    /** What {@code /help} prints. */
    static final List<String> HELP = List.of(
            "Commands:",
            "  /list          rooms on the server: id, name, members/max",
            "  /create NAME   create a room and enter it (you stay in your other rooms)",
            "  /join ID       enter room ID (an id from /list) besides your other rooms",
            "  /rooms         the rooms you are in; * marks the current one",
            "  /switch ID     make room ID the current one: plain lines go there",
            "  /leave [ID]    leave room ID, or the current room",
            "  /history [N]   the last N messages of the current room (default " + HISTORY_DEFAULT
                    + ", at most " + HISTORY_MAX + ")",
            "  /msg NAME TEXT a direct message to player NAME, online or not",
            "  /msg NAME      the last " + HISTORY_DEFAULT + " direct messages between you and NAME",
            "  /block NAME    stop seeing NAME's direct messages and room chat (NAME is not told)",
            "  /unblock NAME  see NAME's messages again",
            "  /kick NAME [REASON]          remove NAME from the current room (moderators; a room's creator)",
            "  /mute NAME SECONDS [REASON]  silence NAME everywhere for SECONDS; 0 lifts it (moderators)",
            "  /mute NAME SECONDS here [REASON]  the same in the current room only",
            "  /ban NAME [SECONDS] [REASON] ban NAME for SECONDS, or for good (admins)",
            "  /unban NAME                  lift NAME's ban (admins)",
            "  /edit SEQ TEXT replace the text of your message SEQ in the current room (soon after sending it)",
            "  /delete SEQ    delete your message SEQ in the current room (moderators: anyone's)",
            "                 (SEQ: the number in the (msg SEQ) a chat line ends with)",
            "  /dmedit NAME SEQ TEXT  replace the text of your direct message SEQ with NAME (soon after sending it)",
            "  /dmdelete NAME SEQ     delete your direct message SEQ with NAME",
            "                 (SEQ: the #SEQ in a [dm to NAME #SEQ] line)",
            "  /reconnect     reconnect, log in again and resume your rooms without missing a message",
            "  /quit          disconnect and exit (also /exit, or Ctrl-D)",
            "  /help          this list",
            "Any other line is chat for the current room (the room you entered last, or /switch);",
            "start it with // to send a line that begins with /.");

    private CommandParser() {
    }

    static Command parse(String line) {
        if (line.isBlank()) {
            return new Command.Blank();
        }
        if (line.startsWith("//")) {
            return new Command.Chat(line.substring(1));
        }
        if (!line.startsWith("/")) {
            return new Command.Chat(line);
        }
        String body = line.substring(1).strip();
        int space = indexOfWhitespace(body);
        String word = (space < 0 ? body : body.substring(0, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : body.substring(space).strip();
        return switch (word) {
            case "list" -> noArguments(word, rest, new Command.ListRooms());
            case "leave" -> rest.isEmpty() ? new Command.LeaveRoom(0) : leave(rest);
            case "rooms" -> noArguments(word, rest, new Command.MyRooms());
            case "switch" -> switchTo(rest);
            case "reconnect" -> noArguments(word, rest, new Command.Reconnect());
            case "history" -> history(rest);
            case "quit", "exit" -> noArguments(word, rest, new Command.Quit());
            case "help", "?" -> new Command.Help();
            case "create" -> rest.isEmpty()
                    ? new Command.Invalid("usage: /create NAME (the room name may contain spaces)")
                    : new Command.CreateRoom(rest);
            case "join" -> join(rest);
            case "msg" -> directMessage(rest);
            case "delete" -> delete(rest);
            case "edit" -> edit(rest);
            case "dmedit" -> editDirect(rest);
            case "dmdelete" -> deleteDirect(rest);
            case "block" -> oneName(rest, "/block NAME", Command.Block::new);
            case "unblock" -> oneName(rest, "/unblock NAME", Command.Unblock::new);
            case "kick" -> kick(rest);
            case "mute" -> mute(rest);
            case "ban" -> ban(rest);
            case "unban" -> oneName(rest, "/unban NAME", Command.Unban::new);
            case "" -> new Command.Invalid("a command name must follow '/'; type /help for the commands");
            default -> new Command.Invalid("unknown command /" + word
                    + "; type /help for the commands, or start with // to send it as chat");
        };
    }

    private static Command delete(String rest) {
        return numbered(rest, Command.DeleteMessage::new, "/delete SEQ, where SEQ is the message's number (e.g. /delete 7)");
    }

    private static Command edit(String rest) {
        int space = indexOfWhitespace(rest);
        long seq = space < 0 ? 0 : roomId(rest.substring(0, space));
        return seq != 0 ? new Command.EditMessage(seq, rest.substring(space + 1))
                : new Command.Invalid("usage: /edit SEQ TEXT, where SEQ is your message's number (e.g. /edit 7 hello)");
    }

    /** {@code NAME SEQ TEXT}. */
    private static Command editDirect(String rest) {
        String[] w = firstWord(rest);
        String[] s = firstWord(w[1]);
        long seq = roomId(s[0]);
        return w[0].isEmpty() || seq == 0 || s[1].isEmpty()
                ? new Command.Invalid("usage: /dmedit NAME SEQ TEXT, where SEQ is your direct message's number"
                        + " (e.g. /dmedit bob 3 hello)")
                : new Command.EditDirect(w[0], seq, s[1]);
    }

    /** {@code NAME SEQ}. */
    private static Command deleteDirect(String rest) {
        String[] w = firstWord(rest);
        long seq = roomId(w[1]);
        return w[0].isEmpty() || seq == 0
                ? new Command.Invalid("usage: /dmdelete NAME SEQ, where SEQ is your direct message's number"
                        + " (e.g. /dmdelete bob 3)")
                : new Command.DeleteDirect(w[0], seq);
    }

    private static Command join(String rest) {
        return numbered(rest, Command.JoinRoom::new, "/join ID, where ID is a room number from /list (e.g. /join 3)");
    }

    private static Command leave(String rest) {
        return numbered(rest, Command.LeaveRoom::new,
                "/leave [ID], where ID is one of your rooms from /rooms (default: the current one)");
    }

    private static Command switchTo(String rest) {
        return numbered(rest, Command.Switch::new, "/switch ID, where ID is one of your rooms from /rooms (e.g. /switch 3)");
    }

    /** A command taking one number (a room id or a message seq); else the usage. */
    private static Command numbered(String rest, LongFunction<Command> command, String usage) {
        long n = roomId(rest);
        return n != 0 ? command.apply(n) : new Command.Invalid("usage: " + usage);
    }

    /** A room id or message seq as typed ({@code 3} or {@code #3}); 0 when it is not one. */
    private static long roomId(String rest) {
        String digits = rest.startsWith("#") ? rest.substring(1) : rest;
        try {
            return Long.parseUnsignedLong(digits); // a uint64: ids above 2^63 are valid
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code NAME text}: the name is the first word (player names have no spaces at their ends; see /help). */
    private static Command directMessage(String rest) {
        if (rest.isEmpty()) {
            return new Command.Invalid("usage: /msg NAME TEXT to send, or /msg NAME to see your conversation");
        }
        int space = indexOfWhitespace(rest);
        if (space < 0) {
            return new Command.DirectHistory(rest);
        }
        return new Command.DirectMessage(rest.substring(0, space), rest.substring(space + 1));
    }

    private static Command oneName(String rest, String usage, Function<String, Command> command) {
        return rest.isEmpty() || indexOfWhitespace(rest) >= 0 ? new Command.Invalid("usage: " + usage)
                : command.apply(rest);
    }

    private static Command kick(String rest) {
        String[] w = firstWord(rest);
        return w[0].isEmpty() ? new Command.Invalid("usage: /kick NAME [REASON] (from the current room)")
                : new Command.Kick(w[0], w[1]);
    }

    /** {@code NAME SECONDS [here|everywhere] [REASON]}: everywhere unless the word after SECONDS says here. */
    private static Command mute(String rest) {
        String[] w = firstWord(rest);
        String[] s = firstWord(w[1]);
        long seconds = seconds(s[0]);
        if (w[0].isEmpty() || seconds < 0) {
            return new Command.Invalid("usage: /mute NAME SECONDS [here|everywhere] [REASON] (SECONDS 0 lifts the mute;"
                    + " everywhere unless here)");
        }
        String[] where = firstWord(s[1]);
        boolean here = where[0].equalsIgnoreCase("here");
        return here || where[0].equalsIgnoreCase("everywhere") ? new Command.Mute(w[0], seconds, here, where[1])
                : new Command.Mute(w[0], seconds, false, s[1]);
    }

    /** {@code NAME [SECONDS] [REASON]}: a first word after the name that is a number is the duration. */
    private static Command ban(String rest) {
        String[] w = firstWord(rest);
        if (w[0].isEmpty()) {
            return new Command.Invalid("usage: /ban NAME [SECONDS] [REASON] (without SECONDS: for good)");
        }
        String[] s = firstWord(w[1]);
        long seconds = seconds(s[0]);
        return seconds < 0 ? new Command.Ban(w[0], 0, w[1]) : new Command.Ban(w[0], seconds, s[1]);
    }

    /** A whole number of seconds as typed; -1 when it is not one. */
    private static long seconds(String word) {
        try {
            long v = Long.parseLong(word);
            return v >= 0 && v <= Integer.MAX_VALUE ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The first word of {@code s} and the rest (stripped); both empty for an empty {@code s}. */
    private static String[] firstWord(String s) {
        int space = indexOfWhitespace(s);
        return space < 0 ? new String[]{s, ""} : new String[]{s.substring(0, space), s.substring(space).strip()};
    }

    private static Command history(String rest) {
        if (rest.isEmpty()) {
            return new Command.History(HISTORY_DEFAULT);
        }
        try {
            int count = Integer.parseInt(rest);
            if (count >= 1 && count <= HISTORY_MAX) {
                return new Command.History(count);
            }
        } catch (NumberFormatException e) {
            // falls through to the usage hint
        }
        return new Command.Invalid("usage: /history [N], where N is 1-" + HISTORY_MAX + " messages (default "
                + HISTORY_DEFAULT + ")");
    }

    private static Command noArguments(String word, String rest, Command command) {
        return rest.isEmpty() ? command : new Command.Invalid("/" + word + " takes no arguments");
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
