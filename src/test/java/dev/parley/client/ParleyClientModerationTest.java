package dev.parley.client;

import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kick, mute, ban and unban through the client library, against a real server over loopback. */
class ParleyClientModerationTest {

    @TempDir
    Path dataDir;

    @Test
    void moderatesAndIsRefusedWithoutTheRole() throws Exception {
        try (TestServer server = TestServer.start(dataDir, c -> c.rateLimit(0).admins(List.of("boss")))) {
            RecordingListener ownerEvents = new RecordingListener();
            try (ParleyClient owner = open(server, "owner", ownerEvents);
                 ParleyClient guest = open(server, "guest", new RecordingListener());
                 ParleyClient boss = open(server, "boss", new RecordingListener())) {
                long room = owner.await(owner.createRoom("den", 0)).getRoom().getRoomId();
                guest.await(guest.join(room));
                assertThatThrownBy(() -> guest.await(guest.kick(room, "owner", "")))
                        .isInstanceOf(RequestRefusedException.class).hasMessageStartingWith("NOT_ALLOWED");
                assertThatThrownBy(() -> guest.await(guest.mute(0, "owner", Duration.ofMinutes(1), "")))
                        .isInstanceOf(RequestRefusedException.class).hasMessageStartingWith("NOT_ALLOWED");

                owner.await(owner.kick(room, "guest", "bye"));
                awaitOutOf(guest, room);
                guest.await(guest.join(room));
                boss.await(boss.mute(room, "guest", Duration.ofMinutes(1), "calm down"));
                assertThatThrownBy(() -> guest.await(guest.chat(room, "hi")))
                        .isInstanceOf(RequestRefusedException.class).hasMessageStartingWith("MUTED");
                boss.await(boss.mute(room, "guest", Duration.ZERO, ""));
                guest.await(guest.chat(room, "thanks"));

                assertThatThrownBy(() -> owner.await(owner.ban("guest", null, "")))
                        .isInstanceOf(RequestRefusedException.class).hasMessageStartingWith("NOT_ALLOWED");
                boss.await(boss.ban("guest", Duration.ofHours(1), "cheating"));
                boss.await(boss.unban("guest"));
                assertThatThrownBy(() -> boss.await(boss.unban("nobody")))
                        .isInstanceOf(RequestRefusedException.class).hasMessageStartingWith("PLAYER_NOT_FOUND");
            }
        }
    }

    /** Waits until the kicked client's state no longer lists the room (bounded). */
    private static void awaitOutOf(ParleyClient c, long room) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (c.state().room(room) != null) {
            assertThat(System.nanoTime()).as("still in room " + room).isLessThan(end);
            Thread.sleep(10);
        }
    }

    private static ParleyClient open(TestServer server, String name, RecordingListener events) {
        return ParleyClient.open(ParleyClientTest.config(server.port(), name).build(), events);
    }
}
