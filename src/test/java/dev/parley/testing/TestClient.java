package dev.parley.testing;

import com.google.protobuf.MessageLite;
import dev.parley.client.ClientTls;
import dev.parley.client.ParleyConnection;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.Result;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real TCP client for tests: requests go out, everything received queues up in order. */
public final class TestClient implements ChatClient, AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<MessageLite> inbox = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private final ParleyConnection connection;
    public long playerId;

    private TestClient(String host, int port, ClientTls tls) throws IOException {
        connection = ParleyConnection.connect(host, port, tls, new ParleyConnection.Listener() {
            @Override
            public void onMessage(MessageLite message) {
                inbox.add(message);
            }

            @Override
            public void onClosed(Throwable cause) {
                closed = true;
            }
        });
    }

    public static TestClient connect(String host, int port) throws IOException {
        return new TestClient(host, port, null);
    }

    /** A client speaking TLS ({@code tls} null = plain TCP). */
    public static TestClient connect(String host, int port, ClientTls tls) throws IOException {
        return new TestClient(host, port, tls);
    }

    /** The connection, e.g. to look at its TLS session. */
    public ParleyConnection connection() {
        return connection;
    }

    @Override
    public void send(MessageLite message) {
        connection.send(message);
    }

    public void sendRaw(byte[] bytes) {
        connection.sendRaw(bytes);
    }

    @Override
    public MessageLite next() {
        return ChatClient.take(inbox, closed);
    }

    /** Asserts nothing arrives within {@code millis}. */
    public void expectNothing(long millis) throws InterruptedException {
        MessageLite m = inbox.poll(millis, TimeUnit.MILLISECONDS);
        if (m != null) {
            throw new AssertionError("expected no message but got " + m.getClass().getSimpleName() + ": " + m);
        }
    }

    /** Everything received so far, without waiting. */
    public List<MessageLite> drain() {
        List<MessageLite> all = new ArrayList<>();
        inbox.drainTo(all);
        return all;
    }

    public LoginResponse login(String name, String password) {
        send(LoginRequest.newBuilder().setName(name).setPassword(password).build());
        return expect(LoginResponse.class);
    }

    public LoginResponse loginOk(String name, String password) {
        LoginResponse r = login(name, password);
        if (r.getResult() != Result.OK) {
            throw new AssertionError("login of " + name + " failed: " + r);
        }
        playerId = r.getPlayerId();
        return r;
    }

    /** Waits until the server has closed the connection. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (connection.isOpen() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return !connection.isOpen();
    }

    /** Stops reading from the socket, so the server's writes to this client back up. */
    public void stopReading() {
        connection.channel().config().setAutoRead(false);
    }

    public void resumeReading() {
        connection.channel().config().setAutoRead(true);
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        connection.close();
    }
}
