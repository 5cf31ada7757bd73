package dev.parley.client.console;

import com.google.protobuf.MessageLite;
import dev.parley.client.ClientState;
import dev.parley.client.RequestRefusedException;
import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.ChatEvents;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Conversation;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.DirectMessageNotify;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.LeaveRoomResponse;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Member;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.protocol.pb.MemberLeftNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomInfo;
import dev.parley.protocol.pb.RoomListResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders server messages as console lines: {@code [TestRoom #12] Alice: hello  (msg 7)} for chat,
 * {@code * Bob joined TestRoom} for membership notices, {@code ! ROOM_FULL: reason} for every
 * refusal; a room's recent messages under its member list when the client enters it. Text that came from other users is made printable first, so a chat line cannot move
 * the cursor or recolour the terminal.
 */
public final class MessageFormatter {

    static final String MEMBERS_HEADER = "--- members ---";
    static final String ROOMS_HEADER = "--- rooms ---";
    static final String MY_ROOMS_HEADER = "--- your rooms ---";
    static final String RECENT_HEADER = "--- recent ---";
    static final String FOOTER = "---------------";

    private MessageFormatter() {
    }

    /**
     * The lines for {@code message}, given what the client knew before it arrived. Messages the
     * console does not show (pongs; the login response, which the login step reports) give none.
     */
    static List<String> format(MessageLite message, ClientState state) {
        if (message instanceof ChatNotify m) {
            return List.of(chat(m, state.roomName(m.getRoomId())));
        } else if (message instanceof MemberJoinedNotify m) {
            return List.of("* " + printable(m.getMember().getName()) + " joined " + roomName(m.getRoomId(), state));
        } else if (message instanceof MemberLeftNotify m) {
            return List.of("* " + printable(m.getMember().getName()) + " left " + roomName(m.getRoomId(), state));
        } else if (message instanceof RoomListResponse m) {
            return roomList(m.getRoomsList());
        } else if (message instanceof CreateRoomResponse m) {
            return m.getResult() == Result.OK
                    ? entered("Created", m.getRoom(), m.getMembersList(), List.of(), state.playerId())
                    : List.of(refusal(m.getResult(), m.getResultValue(), m.getReason()));
        } else if (message instanceof JoinRoomResponse m) {
            return m.getResult() == Result.OK
                    ? entered("Joined", m.getRoom(), m.getMembersList(), m.getRecentList(), state.playerId())
                    : List.of(refusal(m.getResult(), m.getResultValue(), m.getReason()));
        } else if (message instanceof LeaveRoomResponse m) {
            if (m.getResult() != Result.OK) {
                return List.of(refusal(m.getResult(), m.getResultValue(), m.getReason()));
            }
            return List.of(left(state.room(state.leftRoomId(m))));
        } else if (message instanceof ErrorNotify m) {
            return List.of(refusal(m.getResult(), m.getResultValue(), m.getReason(), m.getRequestType()));
        }
        return List.of();
    }

    /**
     * The lines of {@code /rooms}: the rooms the client is in, in the order entered, the one
     * plain lines go to ({@code current}) marked with {@code *}.
     */
    static List<String> myRooms(List<RoomInfo> rooms, long current) {
        if (rooms.isEmpty()) {
            return List.of("You are in no room; /create NAME or /join ID.");
        }
        List<String> lines = new ArrayList<>(rooms.size() + 2);
        lines.add(MY_ROOMS_HEADER);
        for (RoomInfo r : rooms) {
            boolean here = r.getRoomId() == current;
            lines.add((here ? "* " : "  ") + roomLabel(r) + (here ? "  (current: plain lines go here)" : ""));
        }
        lines.add(FOOTER);
        return lines;
    }

    /** The line after {@code /switch}, or after the current room was left: where plain lines go now. */
    static String current(RoomInfo room) {
        return room == null ? "You are in no room now." : "Plain lines now go to " + roomLabel(room) + ".";
    }

    /** {@code Left room TestRoom #12.}; {@code room} null when the client knew of none. */
    static String left(RoomInfo room) {
        return room == null ? "Left the room." : "Left room " + roomLabel(room) + ".";
    }

    /** The line of a refused request, with a hint where the refusal has an obvious remedy. */
    static String refusal(RequestRefusedException e) {
        return refusal(e.result(), e.resultValue(), e.reason(), e.requestType());
    }

    private static String refusal(Result result, int resultValue, String reason, MsgType requestType) {
        String line = refusal(result, resultValue, reason);
        if (result == Result.NOT_IN_ROOM && requestType == MsgType.CHAT_REQUEST) {
            line += " (/create NAME or /join ID first)";
        }
        return line;
    }

    /**
     * The lines of {@code /history}: the messages of {@code room} (ascending seq) between a
     * header with their count and the footer.
     */
    static List<String> history(RoomInfo room, List<ChatNotify> messages) {
        if (messages.isEmpty()) {
            return List.of("No messages in " + roomLabel(room) + " yet.");
        }
        List<String> lines = new ArrayList<>(messages.size() + 2);
        lines.add("--- history (" + messages.size() + ") ---");
        for (ChatNotify m : messages) {
            lines.add(chat(m, room.getRoomId() == m.getRoomId() ? room.getName() : null));
        }
        lines.add(FOOTER);
        return lines;
    }

    /** The notice of a reconnect that put the client back into {@code room}; its missed messages follow. */
    static String resumed(RoomInfo room, int missed) {
        return "* reconnected; resumed " + printable(room.getName()) + " (" + missed + " missed)";
    }

    /** The line of a reconnect that could not get back into {@code room}. */
    static String notRejoined(RoomInfo room, String why) {
        return "! could not rejoin " + roomLabel(room) + ": " + why;
    }

    /**
     * {@code [TestRoom #12] Alice: hello  (msg 7)}: room name and id, sender, text, and last the seq
     * that /edit and /delete take (none for seq 0); {@code [#12] ...} when the room's name is unknown.
     * A system message (from the server, not a player) is marked so no player can look like it:
     * {@code [TestRoom #12] *** Server: restart in 5 minutes ***}. Edits and deletes (docs/protocol.md,
     * Edits and deletes): the event {@code [TestRoom #12] (edited #7) Alice: new text} or
     * {@code (deleted #7 by Alice)}; in history a message in its final state
     * {@code (edited) Alice: new text} or {@code (deleted message of Alice)}.
     */
    static String chat(ChatNotify m, String roomName) {
        String tag = roomName == null ? "#" + id(m.getRoomId()) : printable(roomName) + " #" + id(m.getRoomId());
        String sender = printable(m.getSender().getName());
        String line = sender + ": " + printable(m.getText());
        String shown;
        if (m.getKind() == ChatKind.CHAT_KIND_SYSTEM) {
            shown = "*** " + line + " ***";
        } else if (m.getKind() == ChatKind.CHAT_KIND_EDIT) {
            shown = (ChatEvents.isEvent(m) ? "(edited #" + id(m.getTargetSeq()) + ") " : "(edited) ") + line;
        } else if (m.getKind() == ChatKind.CHAT_KIND_DELETE) {
            shown = ChatEvents.isEvent(m) ? "(deleted #" + id(m.getTargetSeq()) + " by " + sender + ")"
                    : "(deleted message of " + sender + ")";
        } else {
            shown = line;
        }
        // the seq last, where it disturbs reading least: /edit SEQ and /delete SEQ name it
        return "[" + tag + "] " + shown + (m.getSeq() == 0 ? "" : "  (msg " + id(m.getSeq()) + ")");
    }

    /**
     * A direct message, marked apart from room chat: {@code [dm from Bob #3] hi} for one
     * received, {@code [dm to Bob #3] hi} for one this player sent ({@code selfId}); the number
     * is the one /dmedit and /dmdelete take. Edits and deletes as in rooms: the event
     * {@code [dm from Bob #5] (edited #3) new text} or {@code (deleted #3)}; in history a
     * message in its final state {@code (edited) new text} or {@code (deleted)}.
     */
    static String direct(DirectMessageNotify m, long selfId) {
        boolean mine = m.getSender().getPlayerId() == selfId;
        Member peer = mine ? m.getRecipient() : m.getSender();
        String text = printable(m.getText());
        String target = id(m.getTargetSeq());
        String shown = switch (m.getKind()) {
            case CHAT_KIND_EDIT -> (ChatEvents.isEvent(m) ? "(edited #" + target + ") " : "(edited) ") + text;
            case CHAT_KIND_DELETE -> ChatEvents.isEvent(m) ? "(deleted #" + target + ")" : "(deleted)";
            default -> text;
        };
        return "[dm " + (mine ? "to " : "from ") + printable(peer.getName()) + " #" + id(m.getSeq()) + "] " + shown;
    }

    /** The conversations with unread messages at login, one line; none when nothing is unread. */
    static List<String> unread(List<Conversation> conversations) {
        List<String> parts = new ArrayList<>();
        for (Conversation c : conversations) {
            if (c.getUnread() > 0) {
                parts.add(printable(c.getPeer().getName()) + " (" + count(c.getUnread()) + ")");
            }
        }
        return parts.isEmpty() ? List.of()
                : List.of("* unread direct messages from " + String.join(", ", parts) + "; /msg NAME shows them");
    }

    /** A direct conversation's page (from {@code /msg NAME}), oldest first. */
    static List<String> directHistory(String peer, List<DirectMessageNotify> messages, long selfId) {
        if (messages.isEmpty()) {
            return List.of("* no direct messages with " + printable(peer));
        }
        List<String> lines = new ArrayList<>();
        lines.add("--- direct messages with " + printable(peer) + " ---");
        messages.forEach(m -> lines.add(direct(m, selfId)));
        lines.add(FOOTER);
        return lines;
    }

    /** The line for a successful login. */
    static String loggedIn(LoginResponse r) {
        return "Logged in as " + printable(r.getName()) + " (id " + id(r.getPlayerId()) + "). Type /help for commands.";
    }

    /** {@code RESULT: reason}, for a refusal of any kind, the reason made printable. */
    static String describe(Result result, int resultValue, String reason) {
        return RequestRefusedException.describe(result, resultValue, printable(reason));
    }

    static String describe(RequestRefusedException e) {
        return describe(e.result(), e.resultValue(), e.reason());
    }

    private static String refusal(Result result, int resultValue, String reason) {
        return "! " + describe(result, resultValue, reason);
    }

    private static List<String> entered(String verb, RoomInfo room, List<Member> members, List<ChatNotify> recent,
                                        long self) {
        List<String> lines = new ArrayList<>();
        lines.add(verb + " room " + roomLabel(room) + " (" + count(room.getMemberCount()) + "/" + count(room.getMaxMembers())
                + "). Type to chat, /leave to leave.");
        lines.add(MEMBERS_HEADER);
        for (Member m : members) {
            lines.add("- " + printable(m.getName()) + " (id " + id(m.getPlayerId()) + (m.getPlayerId() == self ? ", you)" : ")"));
        }
        int unlisted = room.getMemberCount() - members.size();
        if (unlisted > 0) {
            // the server lists only as many members as fit one frame
            lines.add("- ... and " + unlisted + " more");
        }
        if (!recent.isEmpty()) {
            lines.add(RECENT_HEADER);
            for (ChatNotify m : recent) {
                lines.add(chat(m, m.getRoomId() == room.getRoomId() ? room.getName() : null));
            }
        }
        lines.add(FOOTER);
        return lines;
    }

    static List<String> roomList(List<RoomInfo> rooms) {
        if (rooms.isEmpty()) {
            return List.of("No rooms yet; /create NAME makes one.");
        }
        int idWidth = 0;
        int nameWidth = 0;
        for (RoomInfo r : rooms) {
            idWidth = Math.max(idWidth, id(r.getRoomId()).length() + 1);
            nameWidth = Math.max(nameWidth, printable(r.getName()).codePointCount(0, printable(r.getName()).length()));
        }
        List<String> lines = new ArrayList<>();
        lines.add(ROOMS_HEADER);
        for (RoomInfo r : rooms) {
            String name = printable(r.getName());
            lines.add(pad("#" + id(r.getRoomId()), idWidth) + "  " + pad(name, nameWidth) + "  "
                    + count(r.getMemberCount()) + "/" + count(r.getMaxMembers()));
        }
        lines.add(FOOTER);
        return lines;
    }

    private static String roomName(long roomId, ClientState state) {
        String name = state.roomName(roomId);
        return name == null ? "room #" + id(roomId) : printable(name);
    }

    private static String roomLabel(RoomInfo room) {
        return printable(room.getName()) + " #" + id(room.getRoomId());
    }

    /** A uint64 id as the protocol means it: unsigned, so a hostile 2^64-1 is not shown as -1. */
    private static String id(long id) {
        return Long.toUnsignedString(id);
    }

    /** A uint32 count, unsigned for the same reason. */
    private static String count(int n) {
        return Integer.toUnsignedString(n);
    }

    private static String pad(String s, int width) {
        int n = s.codePointCount(0, s.length());
        return n >= width ? s : s + " ".repeat(width - n);
    }

    /**
     * {@code s} with tabs as spaces and every other control character (escape sequences, line
     * breaks, bells) as U+FFFD, so one message is one harmless line.
     */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(s.length()).append(s, 0, i);
                }
                b.append(c == '\t' ? ' ' : '\uFFFD');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
