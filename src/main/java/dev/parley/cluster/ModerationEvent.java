package dev.parley.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One moderation change as it travels on {@link ClusterKeys#moderationChannel()}: the node it
 * was made on, its kind, and the fields that kind uses (a ban's or mute's end in epoch ms, a ban's
 * {@link Long#MAX_VALUE} = permanent, a mute's room, the reason, the player's name (a ban's finds
 * the player's connection) and who acted, for listings; the granted roles). {@link #RELOAD} asks
 * every node to read all moderation from the database again. Encoded with DataOutput: node, kind,
 * player id, room id, until, reason, player, by, roles. Immutable.
 */
record ModerationEvent(String node, char kind, long playerId, long roomId, long untilMs, String reason,
                       String player, String by, List<String> roles) {

    static final char BAN = 'B';
    static final char UNBAN = 'U';
    static final char MUTE = 'M';
    static final char UNMUTE = 'N';
    static final char ROLES = 'R';
    /** The blocked-words list was reloaded through the server API: reload this node's file too. */
    static final char WORDS = 'W';
    /** A node could not publish a change: every node reads bans, mutes and roles from the database again. */
    static final char RELOAD = 'L';

    /** An event without a reason, names or roles. */
    static ModerationEvent of(String node, char kind, long playerId, long roomId) {
        return new ModerationEvent(node, kind, playerId, roomId, 0, "", "", "", List.of());
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(node);
            out.writeByte(kind);
            out.writeLong(playerId);
            out.writeLong(roomId);
            out.writeLong(untilMs);
            out.writeUTF(reason);
            out.writeUTF(player);
            out.writeUTF(by);
            out.writeShort(roles.size());
            for (String r : roles) {
                out.writeUTF(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when {@code bytes} is no event this version reads */
    static ModerationEvent decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String node = in.readUTF();
            char kind = (char) in.readByte();
            long playerId = in.readLong();
            long roomId = in.readLong();
            long until = in.readLong();
            String reason = in.readUTF();
            String player = in.readUTF();
            String by = in.readUTF();
            int n = in.readUnsignedShort();
            List<String> roles = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                roles.add(in.readUTF());
            }
            if ("BUMNRWL".indexOf(kind) < 0) {
                throw new IllegalArgumentException("unknown moderation event '" + kind + "'");
            }
            return new ModerationEvent(node, kind, playerId, roomId, until, reason, player, by, List.copyOf(roles));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed moderation event of " + bytes.length + " bytes: " + e);
        }
    }
}
