package dev.parley.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.util.JsonFormat;
import dev.parley.protocol.MessageCatalog;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client for tests, the JDK's {@link java.net.http.WebSocket}, speaking
 * {@code parley.v1} (binary frames) or {@code parley.v1.json} (JSON text, converted here with
 * protobuf's own JsonFormat, independently of the server's mapping code). Everything received
 * queues up in order: as messages, and for JSON also as the raw text.
 */
public final class WebSocketTestClient implements ChatClient, AutoCloseable {

    public static final String BINARY = "parley.v1";
    public static final String JSON = "parley.v1.json";

    private final boolean json;
    private final WebSocket socket;
    private final LinkedBlockingQueue<MessageLite> inbox = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    /** The close frame's status code, once the server has closed. */
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WebSocketTestClient(boolean json, WebSocket.Builder builder, URI uri) throws Exception {
        this.json = json;
        this.socket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Connects to {@code ws://127.0.0.1:port/ws} offering {@code subprotocol}. */
    public static WebSocketTestClient connect(int port, String subprotocol) throws Exception {
        return connect(port, subprotocol, null);
    }

    /** @param origin the Origin header to send, or null for none (as a non-browser client) */
    public static WebSocketTestClient connect(int port, String subprotocol, String origin) throws Exception {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(subprotocol);
        if (origin != null) {
            b.header("Origin", origin);
        }
        return new WebSocketTestClient(subprotocol.equals(JSON), b, URI.create("ws://127.0.0.1:" + port + "/ws"));
    }

    /** Connects to {@code wss://127.0.0.1:port/ws} offering {@code subprotocol}, trusting what {@code https} trusts. */
    public static WebSocketTestClient connectTls(int port, String subprotocol, HttpClient https) throws Exception {
        return new WebSocketTestClient(subprotocol.equals(JSON), https.newWebSocketBuilder().subprotocols(subprotocol),
                URI.create("wss://127.0.0.1:" + port + "/ws"));
    }

    /** Connects, expecting the upgrade to fail; the failure's cause. */
    public static Throwable refused(int port, WebSocket.Builder builder) throws Exception {
        try {
            builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS).abort();
            throw new AssertionError("the upgrade succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Override
    public void send(MessageLite message) {
        if (json) {
            try {
                sendText("{\"type\":\"" + message.getClass().getSimpleName() + "\",\"body\":"
                        + JsonFormat.printer().print((Message) message) + "}");
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        } else {
            sendBinary(Wire.frame(message));
        }
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** A WebSocket-level ping (not a Parley PingRequest). */
    public void ping(ByteBuffer payload) {
        socket.sendPing(payload).join();
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    @Override
    public MessageLite next() {
        return ChatClient.take(inbox, closed.isDone());
    }

    /** The next JSON text received (JSON clients only). */
    public String nextText() throws InterruptedException {
        String t = texts.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (t == null) {
            throw new AssertionError("no text within " + TestClient.TIMEOUT);
        }
        return t;
    }

    public LoginResponse loginOk(String name) {
        send(LoginRequest.newBuilder().setName(name).setPassword("pw-" + name).build());
        LoginResponse r = expect(LoginResponse.class);
        if (r.getResult() != Result.OK) {
            throw new AssertionError("login of " + name + " failed: " + r);
        }
        return r;
    }

    /** The status code of the server's close frame, waiting for it. */
    public int closeStatus() throws InterruptedException, ExecutionException, TimeoutException {
        return closed.get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Everything received so far, without waiting. */
    public List<MessageLite> drain() {
        List<MessageLite> all = new ArrayList<>();
        inbox.drainTo(all);
        return all;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                inbox.addAll(Wire.decodeServerFrames(binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String t = text.toString();
                text.setLength(0);
                texts.add(t);
                inbox.add(parseJson(t));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    /** A server's JSON message as the protobuf message, parsed strictly (unknown fields fail). */
    static MessageLite parseJson(String text) {
        JsonObject envelope = JsonParser.parseString(text).getAsJsonObject();
        String type = envelope.get("type").getAsString();
        for (int t = 1; t <= MessageCatalog.maxType(); t++) {
            MessageCatalog.Kind kind = MessageCatalog.byType(t);
            if (kind != null && kind.messageClass().getSimpleName().equals(type)) {
                try {
                    Message.Builder b = ((Message) kind.messageClass().getMethod("getDefaultInstance").invoke(null))
                            .newBuilderForType();
                    JsonFormat.parser().merge(envelope.get("body").toString(), b);
                    return b.build();
                } catch (ReflectiveOperationException | InvalidProtocolBufferException e) {
                    throw new AssertionError("bad JSON from the server: " + text, e);
                }
            }
        }
        throw new AssertionError("unknown type in " + text);
    }
}
