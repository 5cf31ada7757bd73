package dev.parley.moderation;

import com.google.protobuf.MessageLite;
import dev.parley.account.OnlinePlayer;
import dev.parley.cluster.LocalPresence;
import dev.parley.metrics.ServerMetrics;
import dev.parley.protocol.pb.Result;
import dev.parley.store.AccountStore;
import dev.parley.store.AuditLog;
import dev.parley.store.Database;
import dev.parley.store.ModerationStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stores of bans and mutes at shutdown: they run one after the other on the blocking pool, so
 * a pool stopped while one runs would refuse the rest; {@link ModerationService#awaitWrites} lets
 * the shutdown wait for them first (ParleyServer does, before it stops the pool).
 */
class ModerationWritesTest {

    @TempDir
    Path dir;
    private Database db;
    private final ExecutorService blocking = Executors.newSingleThreadExecutor();
    /** Holds the blocking thread, so the writes queue up behind it as they would behind a slow database. */
    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void stop() throws InterruptedException {
        gate.countDown();
        blocking.shutdownNow();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
        if (db != null) {
            db.close();
        }
    }

    private ModerationService service() {
        db = Database.open(Database.embeddedUrl(dir), null, null, 2);
        LocalPresence presence = new LocalPresence();
        presence.claim("bob", new Bob());
        RoleGrants grants = new RoleGrants();
        return new ModerationService(new Permissions(List.of(), true, grants), grants, new Bans(System::currentTimeMillis),
                new Mutes(System::currentTimeMillis), null, presence,
                new ModerationService.Stores(new ModerationStore(db), new AccountStore(db),
                        new AuditLog(db, Runnable::run, System::currentTimeMillis)),
                blocking, new ServerMetrics(new SimpleMeterRegistry()));
    }

    /** Mutes bob in rooms 1..3 while the blocking thread is held: in force at once, stored later. */
    private void muteThrice(ModerationService moderation) throws Exception {
        blocking.execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int room = 1; room <= 3; room++) {
            assertThat(moderation.mute(ModerationService.Moderator.api("key:test"), room, "bob", 60, "").get().result())
                    .isEqualTo(Result.OK);
        }
        assertThat(moderation.mutes()).hasSize(3);
    }

    @Test
    void aShutdownThatWaitsForTheWritesStoresEveryOne() throws Exception {
        ModerationService moderation = service();
        muteThrice(moderation);
        assertThat(moderation.awaitWrites(Duration.ofMillis(50))).as("held: not yet").isFalse();
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> {
            boolean stored = moderation.awaitWrites(Duration.ofSeconds(10));
            blocking.shutdown();
            return stored;
        });
        gate.countDown();
        assertThat(shutdown.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new ModerationStore(db).activeMutes(System.currentTimeMillis())).hasSize(3);
    }

    @Test
    void withoutTheWaitAStoppedPoolRefusesTheWritesQueuedBehind() throws Exception {
        ModerationService moderation = service();
        muteThrice(moderation);
        blocking.shutdown();
        gate.countDown();
        assertThat(blocking.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(new ModerationStore(db).activeMutes(System.currentTimeMillis())).as("the first only").hasSize(1);
    }

    private static final class Bob implements OnlinePlayer {
        @Override
        public long playerId() {
            return 7;
        }

        @Override
        public String name() {
            return "bob";
        }

        @Override
        public void send(MessageLite message) {
        }

        @Override
        public CompletableFuture<Void> disconnect(Result result, String reason) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
