package dev.parley.server;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.LoginRequest;
import dev.parley.protocol.pb.LoginResponse;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import dev.parley.testing.Wire;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login abuse from outside, over real sockets: guessers on their own loopback address
 * (127.0.0.2) against players at 127.0.0.1, with the server's real login limits.
 */
class LoginAbuseTest {

    static final String GUESSER_ADDRESS = "127.0.0.2";

    @TempDir
    Path dir;

    /** A blocking client whose socket is bound to a chosen source address. */
    static final class SourceClient implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;

        SourceClient(String source, int port) throws IOException {
            socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
            in = new DataInputStream(socket.getInputStream());
        }

        LoginResponse login(String name, String password) throws IOException {
            socket.getOutputStream().write(Wire.frame(LoginRequest.newBuilder().setName(name).setPassword(password).build()));
            MessageLite m = read();
            assertThat(m).isInstanceOf(LoginResponse.class);
            return (LoginResponse) m;
        }

        private MessageLite read() throws IOException {
            int length = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            byte[] body = new byte[length - 4];
            in.readFully(body);
            assertThat(type).isEqualTo(MsgType.LOGIN_RESPONSE_VALUE);
            return LoginResponse.parseFrom(body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static double count(TestServer s, String meter, String... tags) {
        MeterRegistry r = s.server().meterRegistry();
        return r.get(meter).tags(tags).counter().count();
    }

    /** The server's own login limits (the test defaults turn some off), with the given hashing cost. */
    private TestServer serverWithLimits(int iterations, java.util.function.Consumer<ServerConfig.Builder> tweak)
            throws Exception {
        return TestServer.start(dir, c -> {
            c.logins(ServerConfig.defaults().logins()).passwordIterations(iterations).rateLimit(0);
            tweak.accept(c);
        });
    }

    /**
     * The guessing attack of the issue at small scale. The hashing cost is a tenth of the default
     * so the bound holds on a busy test machine; unthrottled, the 320 guesses would still queue
     * for tens of seconds. For the figure at the real cost:
     * {@code mvn -o test -Dtest='LoginAbuseTest#aReal*' -DloginAbuse.iterations=210000 -DloginAbuse.logins=40
     * -DloginAbuse.guesses=200} (guessers keep going through all the logins; guessers=0 for a baseline).
     */
    @Test
    void aRealPlayerLogsInQuicklyWhile64ConnectionsGuessPasswordsFromAnotherAddress() throws Exception {
        int guessers = Integer.getInteger("loginAbuse.guessers", 64); // 0 for a baseline
        int guessesEach = Integer.getInteger("loginAbuse.guesses", 5);
        int iterations = Integer.getInteger("loginAbuse.iterations", 20_000);
        int logins = Integer.getInteger("loginAbuse.logins", 5);
        List<String> players = List.of("alice", "bob", "carol", "dave", "erin");
        try (TestServer server = serverWithLimits(iterations, c -> { })) {
            for (String p : players) {
                server.login(p).close(); // registered from 127.0.0.1: that address is theirs
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, guessers));
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger throttled = new AtomicInteger();
            List<String> retryReasons = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch connected = new CountDownLatch(guessers);
            List<Future<?>> running = new ArrayList<>();
            for (int g = 0; g < guessers; g++) {
                String target = players.get(g % players.size());
                running.add(pool.submit(() -> {
                    try (SourceClient c = new SourceClient(GUESSER_ADDRESS, server.port())) {
                        connected.countDown();
                        connected.await();
                        for (int i = 0; i < guessesEach; i++) {
                            LoginResponse r = c.login(target, "guess-" + i);
                            switch (r.getResult()) {
                                case INVALID_CREDENTIALS -> wrong.incrementAndGet();
                                case RATE_LIMITED -> {
                                    throttled.incrementAndGet();
                                    retryReasons.add(r.getReason());
                                }
                                default -> throw new AssertionError("a guess got " + r);
                            }
                        }
                    }
                    return null;
                }));
            }
            connected.await(30, TimeUnit.SECONDS);
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < logins; i++) {
                String p = players.get(i % players.size());
                long start = System.nanoTime();
                try (TestClient c = server.client()) {
                    c.loginOk(p, "pw-" + p);
                }
                millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            System.out.printf("real player logins while %d connections guess, %d PBKDF2 iterations: %s ms; "
                            + "p50 %d, p99 %d, max %d%n", guessers, iterations, millis, sorted.get(sorted.size() / 2),
                    sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
                    sorted.get(sorted.size() - 1));

            assertThat(millis).allSatisfy(ms -> assertThat(ms).isLessThan(2000));
            assertThat(wrong.get() + throttled.get()).isEqualTo(guessers * guessesEach);
            // the address limit stops the hashing: throttled guesses cost no PBKDF2
            assertThat(wrong.get()).isLessThanOrEqualTo(ServerConfig.Logins.DEFAULT_FAILURES_PER_ADDRESS);
            assertThat(retryReasons).hasSize(throttled.get()).allSatisfy(r -> assertThat(r).matches(".*; retry in \\d+ s"));
            assertThat(count(server, "parley.logins.throttled", "reason", "address")
                    + count(server, "parley.logins.throttled", "reason", "name")
                    + count(server, "parley.logins.throttled", "reason", "in_flight")).isEqualTo(throttled.get());
        }
    }

    @Test
    void aLockedNameStillLetsItsOwnerInFromTheirAddress() throws Exception {
        try (TestServer server = serverWithLimits(1000, c -> { })) {
            server.login("alice").close();
            try (SourceClient guesser = new SourceClient(GUESSER_ADDRESS, server.port())) {
                for (int i = 0; i < ServerConfig.Logins.DEFAULT_FAILURES_PER_NAME; i++) {
                    assertThat(guesser.login("alice", "guess-" + i).getResult()).isEqualTo(Result.INVALID_CREDENTIALS);
                }
                LoginResponse locked = guesser.login("alice", "pw-alice"); // even the right password
                assertThat(locked.getResult()).isEqualTo(Result.RATE_LIMITED);
                assertThat(locked.getReason()).isEqualTo("too many failed logins for this name; retry in "
                        + ServerConfig.Logins.DEFAULT_LOCKOUT.toSeconds() + " s");
            }
            try (TestClient owner = server.client()) {
                owner.loginOk("alice", "pw-alice");
            }
            assertThat(count(server, "parley.logins.throttled", "reason", "name")).isEqualTo(1);
        }
    }

    @Test
    void registrationsPerAddressAreLimited() throws Exception {
        try (TestServer server = serverWithLimits(1000, c -> c.registrationsPerAddressPerHour(3))) {
            try (SourceClient a = new SourceClient(GUESSER_ADDRESS, server.port())) {
                for (int i = 0; i < 3; i++) {
                    try (SourceClient c = new SourceClient(GUESSER_ADDRESS, server.port())) {
                        assertThat(c.login("junk" + i, "pw").getResult()).isEqualTo(Result.OK);
                    }
                }
                LoginResponse refused = a.login("junk3", "pw");
                assertThat(refused.getResult()).isEqualTo(Result.RATE_LIMITED);
                assertThat(refused.getReason()).startsWith("too many new accounts from your address; retry in ");
                // an existing account still logs in from there, and other addresses still register
                assertThat(a.login("junk0", "pw").getResult()).isEqualTo(Result.OK);
            }
            server.login("newcomer").close();
            assertThat(count(server, "parley.registrations.refused")).isEqualTo(1);
        }
    }

    @Test
    void aFullHashingQueueAnswersServerBusyAtOnce() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        int queue = 1;
        int logins = threads + queue + 6;
        // slow hashing, so the queue is still full when the later logins arrive
        try (TestServer server = serverWithLimits(1_000_000,
                c -> c.hashQueue(queue).loginsInFlightPerAddress(0).registrationsPerAddressPerHour(0))) {
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < logins; i++) {
                    clients.add(server.client());
                }
                for (int i = 0; i < logins; i++) {
                    clients.get(i).send(LoginRequest.newBuilder().setName("p" + i).setPassword("pw").build());
                }
                long sent = System.nanoTime();
                ExecutorService waiters = Executors.newFixedThreadPool(logins);
                List<Future<long[]>> answers = new ArrayList<>();
                for (TestClient c : clients) {
                    answers.add(waiters.submit(() -> {
                        LoginResponse r = c.expect(LoginResponse.class);
                        if (r.getResult() == Result.SERVER_BUSY) {
                            assertThat(r.getReason()).isEqualTo("too many logins in progress; try again shortly");
                        }
                        return new long[]{r.getResultValue(), System.nanoTime() - sent};
                    }));
                }
                long slowestBusy = 0;
                long quickestOk = Long.MAX_VALUE;
                int busy = 0;
                for (Future<long[]> f : answers) {
                    long[] a = f.get(60, TimeUnit.SECONDS);
                    Result result = Result.forNumber((int) a[0]);
                    assertThat(result).isIn(Result.OK, Result.SERVER_BUSY);
                    if (result == Result.OK) {
                        quickestOk = Math.min(quickestOk, a[1]);
                    } else {
                        busy++;
                        slowestBusy = Math.max(slowestBusy, a[1]);
                    }
                }
                waiters.shutdown();
                assertThat(busy).isGreaterThanOrEqualTo(logins - threads - queue);
                // at once: before any queued login is through its hashing, and well under a second
                assertThat(slowestBusy).isLessThan(quickestOk).isLessThan(TimeUnit.SECONDS.toNanos(1));
                assertThat(count(server, "parley.logins.busy", "reason", "hash_queue")).isEqualTo(busy);
            } finally {
                clients.forEach(TestClient::close);
            }
        }
    }
}
