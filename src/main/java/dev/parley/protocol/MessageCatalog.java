package dev.parley.protocol;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.parley.protocol.pb.MsgType;

import java.util.HashMap;
import java.util.Map;

/**
 * Every message of the wire protocol, found from {@link MsgType} by the naming rule the
 * protocol promises: the constant of message {@code FooBar} is {@code FOO_BAR}. Types whose
 * name ends in {@code _REQUEST} are sent by clients; all others only by the server.
 *
 * <p>Deriving the table from the enum means a new message needs no registration here; a test
 * checks that every constant resolves to a generated class.
 */
public final class MessageCatalog {

    /** One message type: its wire number, generated class, parser and sender. */
    public record Kind(int type, MsgType msgType, Class<? extends MessageLite> messageClass,
                       Parser<? extends MessageLite> parser, boolean sentByClient) {
        public boolean sentByServer() {
            return !sentByClient;
        }
    }

    private static final String PB_PACKAGE = "dev.parley.protocol.pb.";
    private static final Kind[] BY_TYPE;
    private static final Map<Class<?>, Kind> BY_CLASS = new HashMap<>();

    static {
        int max = 0;
        for (MsgType t : MsgType.values()) {
            if (t != MsgType.UNRECOGNIZED) {
                max = Math.max(max, t.getNumber());
            }
        }
        BY_TYPE = new Kind[max + 1];
        for (MsgType t : MsgType.values()) {
            if (t == MsgType.UNRECOGNIZED || t == MsgType.MSG_TYPE_UNSPECIFIED) {
                continue;
            }
            Kind kind = resolve(t);
            BY_TYPE[t.getNumber()] = kind;
            BY_CLASS.put(kind.messageClass(), kind);
        }
    }

    private MessageCatalog() {
    }

    /** The kind for a wire type number, or {@code null} when the number is not a message type. */
    public static Kind byType(int type) {
        return type > 0 && type < BY_TYPE.length ? BY_TYPE[type] : null;
    }

    /** The kind for a generated message class; throws when the class is not a wire message. */
    public static Kind of(MessageLite message) {
        Kind kind = BY_CLASS.get(message.getClass());
        if (kind == null) {
            throw new IllegalArgumentException(message.getClass().getSimpleName() + " is not a Parley wire message");
        }
        return kind;
    }

    /** The largest type number in use; for sizing tables indexed by type. */
    public static int maxType() {
        return BY_TYPE.length - 1;
    }

    /** {@code LOGIN_REQUEST} becomes {@code LoginRequest}. */
    static String className(MsgType type) {
        StringBuilder sb = new StringBuilder();
        for (String part : type.name().split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Kind resolve(MsgType type) {
        String name = className(type);
        try {
            Class<? extends MessageLite> cls = (Class<? extends MessageLite>) Class.forName(PB_PACKAGE + name);
            MessageLite defaultInstance = (MessageLite) cls.getMethod("getDefaultInstance").invoke(null);
            return new Kind(type.getNumber(), type, cls, defaultInstance.getParserForType(),
                    type.name().endsWith("_REQUEST"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("MsgType " + type + " has no message " + name + ": " + e);
        }
    }
}
