package dev.parley.store;

import dev.parley.content.Names;
import dev.parley.testing.BackendContract;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bans and mutes on one database: one per player (and room), replaced by a newer one, lifted by
 * an unban or unmute, read back only while in force, and still there when reopened; players' roles
 * given through the API, replaced as a whole.
 */
abstract class ModerationStoreContract extends BackendContract {

    @Test
    void bansAreOnePerPlayerReadWhileInForceAndOutliveAReopen() throws SQLException {
        try (Database db = openDatabase()) {
            ModerationStore store = new ModerationStore(db);
            store.ban(new ModerationStore.Ban(1, null, "forever", "boss"), 100);
            store.ban(new ModerationStore.Ban(2, 5_000L, "first", "boss"), 100);
            store.ban(new ModerationStore.Ban(2, 9_000L, "second", "mod"), 200);
            store.ban(new ModerationStore.Ban(3, 1_000L, "over", "boss"), 100);
        }
        try (Database db = openDatabase()) {
            ModerationStore store = new ModerationStore(db);
            assertThat(store.activeBans(1_000)).containsExactlyInAnyOrder(
                    new ModerationStore.Ban(1, null, "forever", "boss"),
                    new ModerationStore.Ban(2, 9_000L, "second", "mod"));
            assertThat(store.unban(2)).isTrue();
            assertThat(store.unban(2)).isFalse();
            assertThat(store.activeBans(1_000)).extracting(ModerationStore.Ban::playerId).containsExactly(1L);
        }
    }

    @Test
    void mutesAreOnePerPlayerAndRoomReadWhileInForce() throws SQLException {
        try (Database db = openDatabase()) {
            ModerationStore store = new ModerationStore(db);
            store.mute(new ModerationStore.Mute(1, 0, 5_000, "everywhere", "boss"), 100);
            store.mute(new ModerationStore.Mute(1, 7, 5_000, "room", "boss"), 100);
            store.mute(new ModerationStore.Mute(1, 7, 8_000, "longer", "boss"), 100);
            store.mute(new ModerationStore.Mute(2, 7, 500, "over", "boss"), 100);
        }
        try (Database db = openDatabase()) {
            ModerationStore store = new ModerationStore(db);
            assertThat(store.activeMutes(1_000)).containsExactlyInAnyOrder(
                    new ModerationStore.Mute(1, 0, 5_000, "everywhere", "boss"),
                    new ModerationStore.Mute(1, 7, 8_000, "longer", "boss"));
            store.unmute(1, 0);
            assertThat(store.activeMutes(1_000)).extracting(ModerationStore.Mute::roomId).containsExactly(7L);
        }
    }

    @Test
    void bansAndMutesAreReadWithThePlayersNames() throws SQLException {
        try (Database db = openDatabase()) {
            ModerationStore store = new ModerationStore(db);
            Account bob = new AccountStore(db).createOrGet("Bob", Names.skeleton("Bob"), "hash");
            store.ban(new ModerationStore.Ban(bob.id(), null, "cheat", "boss"), 100);
            store.mute(new ModerationStore.Mute(bob.id(), 0, 5_000, "spam", "mod"), 100);
            store.mute(new ModerationStore.Mute(bob.id() + 1000, 0, 5_000, "gone", "mod"), 100);
            assertThat(store.activeBans(1_000)).containsExactly(
                    new ModerationStore.Ban(bob.id(), null, "cheat", "boss", "Bob"));
            assertThat(store.activeMutes(1_000)).containsExactlyInAnyOrder(
                    new ModerationStore.Mute(bob.id(), 0, 5_000, "spam", "mod", "Bob"),
                    new ModerationStore.Mute(bob.id() + 1000, 0, 5_000, "gone", "mod", null));
        }
    }

    @Test
    void playerRolesAreReplacedAsAWholeAndOutliveAReopen() throws SQLException {
        try (Database db = openDatabase()) {
            ModerationStore store = new ModerationStore(db);
            store.setRoles(1, List.of("moderator", "admin"));
            store.setRoles(2, List.of("admin"));
            store.setRoles(2, List.of("moderator"));
            store.setRoles(3, List.of("admin"));
            store.setRoles(3, List.of());
        }
        try (Database db = openDatabase()) {
            assertThat(new ModerationStore(db).playerRoles()).containsExactlyInAnyOrder(
                    new ModerationStore.PlayerRole(1, "moderator"), new ModerationStore.PlayerRole(1, "admin"),
                    new ModerationStore.PlayerRole(2, "moderator"));
        }
    }
}
