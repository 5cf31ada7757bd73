package dev.parley.websocket;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.util.JsonFormat;
import dev.parley.protocol.FrameDecoder;
import dev.parley.protocol.Frames;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.ProtocolViolationException;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code parley.v1.json} mapping: a message is {@code {"type": "ChatRequest", "body": {...}}},
 * the type the message's name (derived from {@link MessageCatalog}, so a new message needs nothing
 * here) and the body protobuf's canonical JSON mapping. Rules (docs/protocol.md, WebSocket):
 * <ul>
 *   <li>reading: strict JSON, one object; {@code body} may be left out for an empty message;
 *       other envelope keys and unknown body fields are ignored, as protobuf ignores unknown
 *       fields, so a newer client works with an older server; the message must fit a frame of
 *       the server's maximum, as on TCP;</li>
 *   <li>writing: every field is printed, defaults included ({@code "seq": "0"}, {@code "result": "OK"}),
 *       so a client never has to know a default; 64-bit integers are JSON strings (the mapping's
 *       rule: a JavaScript number cannot hold them), enums their names, field names lowerCamelCase.</li>
 * </ul>
 * Stateless; any thread.
 */
final class JsonMessages {

    /** Deeper than any Parley message needs (they nest three levels), far below a stack's limit. */
    static final int MAX_DEPTH = 32;
    private static final Map<String, MessageCatalog.Kind> BY_NAME = new HashMap<>();
    private static final Message[] DEFAULTS = new Message[MessageCatalog.maxType() + 1];
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
    private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

    static {
        for (int t = 1; t <= MessageCatalog.maxType(); t++) {
            MessageCatalog.Kind kind = MessageCatalog.byType(t);
            if (kind != null) {
                BY_NAME.put(nameOf(kind), kind);
                try {
                    DEFAULTS[t] = (Message) kind.messageClass().getMethod("getDefaultInstance").invoke(null);
                } catch (ReflectiveOperationException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
    }

    private JsonMessages() {
    }

    /** The JSON {@code type} of a message kind: its message name, e.g. {@code ChatRequest}. */
    static String nameOf(MessageCatalog.Kind kind) {
        return kind.messageClass().getSimpleName();
    }

    /**
     * Reads a client's message; throws {@link ProtocolViolationException} with the reason when
     * it is not JSON, not an envelope, names no client message, or its body does not match.
     */
    static MessageLite parse(String text, int maxFrameBytes) {
        JsonObject envelope = envelope(text);
        JsonElement typeElement = envelope.get("type");
        if (typeElement == null || !typeElement.isJsonPrimitive() || !typeElement.getAsJsonPrimitive().isString()) {
            throw new ProtocolViolationException("a JSON message needs a string \"type\", e.g. \"ChatRequest\"", 0);
        }
        String type = typeElement.getAsString();
        MessageCatalog.Kind kind = BY_NAME.get(type);
        if (kind == null) {
            throw new ProtocolViolationException("unknown message type \"" + type + "\"", 0);
        }
        if (!kind.sentByClient()) {
            throw new ProtocolViolationException(FrameDecoder.wrongSender(kind, FrameDecoder.Side.SERVER), kind.type());
        }
        JsonElement body = envelope.get("body");
        Message.Builder builder = DEFAULTS[kind.type()].newBuilderForType();
        if (body != null && !body.isJsonNull()) {
            if (!body.isJsonObject()) {
                throw new ProtocolViolationException("the \"body\" of " + type + " must be a JSON object", kind.type());
            }
            try {
                PARSER.merge(body.toString(), builder);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new ProtocolViolationException("the body of " + type + " does not match the message: "
                        + e.getMessage(), kind.type());
            }
        }
        Message message = builder.build();
        int frameLength = Frames.HEADER_BYTES + message.getSerializedSize();
        if (frameLength > maxFrameBytes) {
            throw new ProtocolViolationException(FrameDecoder.tooLong(frameLength, maxFrameBytes), kind.type());
        }
        return message;
    }

    private static JsonObject envelope(String text) {
        if (nestingDepth(text) > MAX_DEPTH) {
            // the JSON reader recurses per level: a message of brackets must not reach it
            throw new ProtocolViolationException("JSON nested deeper than " + MAX_DEPTH + " levels", 0);
        }
        JsonElement element;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setLenient(false);
            element = ELEMENTS.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new ProtocolViolationException("a JSON message must be one object; there is more after it", 0);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProtocolViolationException pv) {
                throw pv;
            }
            String detail = String.valueOf(e.getMessage()).replace("Use JsonReader.setLenient(true) to accept malformed JSON",
                    "malformed JSON"); // the reader's advice is for programmers, not for the client
            throw new ProtocolViolationException("not JSON: " + detail, 0);
        }
        if (element == null || !element.isJsonObject()) {
            throw new ProtocolViolationException("a JSON message must be an object {\"type\": ..., \"body\": {...}}", 0);
        }
        return element.getAsJsonObject();
    }

    /** The deepest nesting of objects and arrays in {@code text}, outside strings; linear, no recursion. */
    static int nestingDepth(String text) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                max = Math.max(max, ++depth);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    /** The JSON text of an encoded frame ({@link Frames}): how a server message reaches a JSON client. */
    static String print(ByteBuf frame) {
        int start = frame.readerIndex();
        int length = frame.getUnsignedShort(start);
        MessageCatalog.Kind kind = MessageCatalog.byType(frame.getUnsignedShort(start + 2));
        if (kind == null || length != frame.readableBytes()) {
            throw new IllegalArgumentException("not one encoded frame: " + frame);
        }
        try {
            MessageLite message = kind.parser().parseFrom(frame.nioBuffer(start + Frames.HEADER_BYTES,
                    length - Frames.HEADER_BYTES));
            return print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("the server encoded a " + kind.msgType() + " that does not parse", e);
        }
    }

    /** The JSON text of a message. */
    static String print(MessageLite message) {
        try {
            return "{\"type\":\"" + nameOf(MessageCatalog.of(message)) + "\",\"body\":"
                    + PRINTER.print((Message) message) + "}";
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
