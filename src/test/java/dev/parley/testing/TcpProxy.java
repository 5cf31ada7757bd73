package dev.parley.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback TCP proxy in front of a real server, for network faults a test controls: while
 * {@linkplain #hold() held}, new connections are accepted but wait to be forwarded until
 * {@link #release()}, so a client's reconnect happens exactly when the test wants it; when the
 * server closes a connection, the proxy closes the client's side too.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    /** Client ends are cut from now on without the server noticing: half-open connections. */
    private volatile boolean stranding;
    /** What servers send is dropped, not forwarded: replies lost on the way. */
    private volatile boolean muted;

    private TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::acceptLoop, "proxy-accept");
    }

    /** A proxy on a free loopback port forwarding to loopback port {@code targetPort}. */
    public static TcpProxy to(int targetPort) throws IOException {
        return new TcpProxy(targetPort);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted from now on wait for {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /**
     * From now on a client that goes away leaves its server-side connection open and silent, as
     * a phone that switched networks does: the server sees no close, and what it sends is
     * swallowed. Such ghosts end only when the server closes them (or the proxy is closed).
     */
    public void strand() {
        stranding = true;
    }

    /** From now on what the server sends is dropped until {@link #unmute()}: replies lost on the way to the client. */
    public void mute() {
        muted = true;
    }

    public void unmute() {
        muted = false;
    }

    /** Closes every connection open now, both ends, as a network drop does; new ones are still accepted. */
    public void cut() {
        sockets.forEach(TcpProxy::closeQuietly);
    }

    @Override
    public void close() {
        release();
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.forEach(TcpProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                CountDownLatch waitFor = gate;
                daemon(() -> forward(client, waitFor), "proxy-forward");
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void forward(Socket client, CountDownLatch waitFor) {
        Socket server = null;
        try {
            waitFor.await();
            server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(server);
            Socket upstream = server;
            daemon(() -> pipe(client, upstream, false), "proxy-up");
            pipe(upstream, client, true);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
            if (server != null) {
                closeQuietly(server);
            }
        }
    }

    /**
     * Copies until either side ends, then closes both, as a dropped connection would; when
     * stranding, a client's end leaves the server side open, its output swallowed.
     */
    private void pipe(Socket from, Socket to, boolean fromServer) {
        byte[] buffer = new byte[8192];
        try {
            // not try-with-resources: closing a socket's stream closes the socket, and a stranded
            // server side must stay open
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromServer && muted) {
                    continue;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side is gone: close both below
        }
        if (stranding) {
            if (!fromServer) {
                return; // the client left: the server side stays open, and nothing comes from it
            }
            swallow(from, buffer);
        }
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
    }

    /** Reads and drops what the server sends to a stranded connection until the server closes it. */
    private static void swallow(Socket server, byte[] buffer) {
        try {
            InputStream in = server.getInputStream();
            while (in.read(buffer) >= 0) {
                // dropped, like packets to a phone that is gone
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
