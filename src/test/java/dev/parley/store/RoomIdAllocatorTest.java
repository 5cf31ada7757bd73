package dev.parley.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Hi/lo room ids on a real (embedded H2) database. */
class RoomIdAllocatorTest {

    @TempDir
    Path dir;
    Database db;
    ExecutorService blocking;

    @BeforeEach
    void open() {
        db = Database.open(Database.embeddedUrl(dir), null, null, 2);
        blocking = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void close() throws InterruptedException {
        blocking.shutdown();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
        db.close();
    }

    @Test
    void idsAreUniqueAcrossAllocatorsAndRestarts() throws Exception {
        Set<Long> seen = new HashSet<>();
        for (int run = 0; run < 3; run++) { // each allocator is one server run
            RoomIdAllocator ids = new RoomIdAllocator(new RoomStore(db), blocking, 10);
            for (int i = 0; i < 25; i++) {
                long id = nextWaiting(ids);
                assertThat(id).isPositive();
                assertThat(seen.add(id)).as("id %d handed out twice", id).isTrue();
            }
        }
        assertThat(seen).hasSize(75);
    }

    @Test
    void runsDryWithoutTheDatabaseAndSaysSo() throws Exception {
        ExecutorService dead = Executors.newSingleThreadExecutor();
        dead.shutdown(); // the prefetch is rejected, as when the pool is saturated
        RoomIdAllocator ids = new RoomIdAllocator(new RoomStore(db), dead, 4);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            got.add(ids.getAsLong());
        }
        assertThat(got).containsExactly(1L, 2L, 3L, 4L, 0L, 0L);
    }

    /** The next block is fetched in the background: give it a moment when the current one runs out. */
    private static long nextWaiting(RoomIdAllocator ids) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            long id = ids.getAsLong();
            if (id != 0) {
                return id;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no id");
    }
}
