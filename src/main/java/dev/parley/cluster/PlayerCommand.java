package dev.parley.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.pb.Result;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What one node tells the node that holds a player, on the player's channel
 * ({@link ClusterKeys#playerChannel}): {@code T} + node id (a login on that node took the name
 * over), {@code M} + player id + wire type + message (deliver it), {@code D} + player id + result +
 * reason (disconnect). A player id in a command must match the connected player's, so a command
 * meant for an earlier holder of the name does not reach a later one. Immutable.
 */
record PlayerCommand(char kind, String node, long playerId, MessageLite message, Result result, String reason) {

    static final char TAKEOVER = 'T';
    static final char DELIVER = 'M';
    static final char DISCONNECT = 'D';

    static byte[] takeover(String newNode) {
        return (TAKEOVER + newNode).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] deliver(long playerId, MessageLite message) {
        byte[] body = message.toByteArray();
        return ByteBuffer.allocate(1 + 8 + 4 + body.length).put((byte) DELIVER).putLong(playerId)
                .putInt(MessageCatalog.of(message).type()).put(body).array();
    }

    static byte[] disconnect(long playerId, Result result, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 8 + 4 + text.length).put((byte) DISCONNECT).putLong(playerId)
                .putInt(result.getNumber()).put(text).array();
    }

    /** @throws IllegalArgumentException when {@code bytes} is no command this version knows */
    static PlayerCommand decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty player command");
        }
        char kind = (char) bytes[0];
        if (kind == TAKEOVER) {
            return new PlayerCommand(kind, new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8), 0, null, null,
                    null);
        }
        if (bytes.length < 13 || kind != DELIVER && kind != DISCONNECT) {
            throw new IllegalArgumentException("unknown player command '" + kind + "' of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        long playerId = in.getLong();
        int number = in.getInt();
        if (kind == DISCONNECT) {
            Result result = Result.forNumber(number);
            return new PlayerCommand(kind, null, playerId, null, result == null ? Result.SERVER_BUSY : result,
                    new String(bytes, 13, bytes.length - 13, StandardCharsets.UTF_8));
        }
        MessageCatalog.Kind type = MessageCatalog.byType(number);
        if (type == null) {
            throw new IllegalArgumentException("player command with unknown message type " + number);
        }
        try {
            return new PlayerCommand(kind, null, playerId, type.parser().parseFrom(ByteBuffer.wrap(bytes, 13,
                    bytes.length - 13)), null, null);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("player command with a malformed " + type.msgType() + ": " + e.getMessage());
        }
    }
}
