package dev.parley.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.Member;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The wire format of a room's channel and member hash (docs/SCALING.md, "Keys and channels"):
 * one type letter, then its payload. The Lua scripts write some of these themselves, so the
 * format is bytes simple enough to build by concatenation:
 * <ul>
 *   <li>{@code M<seq> <ChatNotify without seq>}: a numbered message;</li>
 *   <li>{@code J<nodeId>|<Member>}: a member joined on that node (the member hash holds
 *       {@code <nodeId>|<Member>} per player id);</li>
 *   <li>{@code L<playerId>}: a member left, or its node died;</li>
 *   <li>{@code K<playerId>}: the node holding that member removes it (a kick allowed elsewhere);</li>
 *   <li>{@code X<reason>}: the room was removed.</li>
 * </ul>
 * Pure functions; any thread.
 */
public final class RoomEvents {

    /** One decoded event; the fields its type does not use are null or 0. */
    public record Event(char type, ChatNotify message, String nodeId, Member member, long playerId, String reason) {
    }

    private RoomEvents() {
    }

    /** The member hash's value for {@code member} held by {@code nodeId}. */
    public static byte[] memberValue(String nodeId, Member member) {
        return concat((nodeId + "|").getBytes(StandardCharsets.UTF_8), member.toByteArray());
    }

    public static byte[] joined(String nodeId, Member member) {
        return concat(new byte[]{'J'}, memberValue(nodeId, member));
    }

    public static byte[] kick(long playerId) {
        return ("K" + playerId).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] removed(String reason) {
        return ("X" + reason).getBytes(StandardCharsets.UTF_8);
    }

    /** What the publish script sends for {@code message} numbered {@code seq} (for tests: the script builds it). */
    public static byte[] numbered(long seq, ChatNotify message) {
        return concat(("M" + seq + " ").getBytes(StandardCharsets.US_ASCII), message.toByteArray());
    }

    /** A message of the room's log (its stream entry) with its seq set. */
    public static ChatNotify message(long seq, byte[] unnumbered) throws InvalidProtocolBufferException {
        return ChatNotify.parseFrom(unnumbered).toBuilder().setSeq(seq).build();
    }

    /**
     * Decodes one event of a room's channel.
     *
     * @throws IllegalArgumentException when it is malformed (a bug or a foreign writer: logged, skipped)
     */
    public static Event decode(byte[] event) {
        if (event.length == 0) {
            throw new IllegalArgumentException("empty room event");
        }
        char type = (char) event[0];
        try {
            switch (type) {
                case 'M': {
                    int space = indexOf(event, (byte) ' ', 1);
                    long seq = Long.parseUnsignedLong(new String(event, 1, space - 1, StandardCharsets.US_ASCII));
                    return new Event(type, message(seq, Arrays.copyOfRange(event, space + 1, event.length)), null, null, 0,
                            null);
                }
                case 'J': {
                    MemberValue v = memberValue(Arrays.copyOfRange(event, 1, event.length));
                    return new Event(type, null, v.nodeId(), v.member(), v.member().getPlayerId(), null);
                }
                case 'L':
                case 'K':
                    return new Event(type, null, null, null,
                            Long.parseLong(new String(event, 1, event.length - 1, StandardCharsets.US_ASCII)), null);
                case 'X':
                    return new Event(type, null, null, null, 0,
                            new String(event, 1, event.length - 1, StandardCharsets.UTF_8));
                default:
                    throw new IllegalArgumentException("unknown room event type '" + type + "'");
            }
        } catch (InvalidProtocolBufferException | NumberFormatException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("malformed room event of type '" + type + "': " + e.getMessage(), e);
        }
    }

    /** A member hash value: the node that holds the member, and the member. */
    public record MemberValue(String nodeId, Member member) {
    }

    /** Decodes a member hash value ({@code <nodeId>|<Member>}). */
    public static MemberValue memberValue(byte[] value) {
        int bar = indexOf(value, (byte) '|', 0);
        try {
            return new MemberValue(new String(value, 0, bar, StandardCharsets.UTF_8),
                    Member.parseFrom(Arrays.copyOfRange(value, bar + 1, value.length)));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("malformed member value: " + e.getMessage(), e);
        }
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("no '" + (char) b + "' in room event");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
