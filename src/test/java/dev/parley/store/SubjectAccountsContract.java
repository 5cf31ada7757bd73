package dev.parley.store;

import dev.parley.content.Names;
import dev.parley.server.ServerConfig;
import dev.parley.testing.BackendContract;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accounts linked to a game backend's player id (V6) on one database: created once per subject,
 * renamed within the name rules, and the session key made once by the migration.
 */
abstract class SubjectAccountsContract extends BackendContract {

    private Database open() {
        ServerConfig.Builder b = ServerConfig.builder().dataDir(dir);
        backend.configure(b);
        ServerConfig.Storage c = b.build().storage();
        return Database.open(c.external() ? c.dbUrl() : Database.embeddedUrl(dir), c.dbUser(), null, 2);
    }

    @Test
    void aSubjectGetsOneAccountWithoutAPasswordAndKeepsItWhenRenamed() throws SQLException {
        try (Database db = open()) {
            AccountStore accounts = new AccountStore(db);
            Account alice = accounts.createForSubject("sub-1", "Alice", Names.skeleton("Alice")).orElseThrow();
            assertThat(alice.passwordHash()).isEqualTo(AccountStore.NO_PASSWORD);
            assertThat(accounts.findBySubject("sub-1")).contains(alice);
            assertThat(accounts.findById(alice.id())).contains(alice);
            // a second first login of the same subject (a race) gets the same account
            assertThat(accounts.createForSubject("sub-1", "Alicia", Names.skeleton("Alicia"))).contains(alice);

            assertThat(accounts.rename(alice.id(), "Alicia", Names.skeleton("Alicia"))).isTrue();
            assertThat(accounts.find("alicia")).get().extracting(Account::id).isEqualTo(alice.id());
            assertThat(accounts.find("Alice")).isEmpty(); // the old name is free again
        }
    }

    @Test
    void aNameOrLookAlikeOfAnotherAccountIsNotTaken() throws SQLException {
        try (Database db = open()) {
            AccountStore accounts = new AccountStore(db);
            accounts.createOrGet("Bob", Names.skeleton("Bob"), "hash");
            assertThat(accounts.createForSubject("sub-2", "BOB", Names.skeleton("BOB"))).isEmpty();
            Account carol = accounts.createForSubject("sub-3", "Carol", Names.skeleton("Carol")).orElseThrow();
            assertThat(accounts.rename(carol.id(), "B0b", Names.skeleton("B0b"))).isFalse(); // looks like Bob
            assertThat(accounts.findById(carol.id())).get().extracting(Account::name).isEqualTo("Carol");
            assertThat(accounts.findBySubject("sub-2")).isEqualTo(Optional.empty());
        }
    }

    @Test
    void theSessionKeyIsMadeOnceAndKept() throws SQLException {
        String key;
        try (Database db = open()) {
            key = new AccountStore(db).sessionKey();
            assertThat(key.length()).isGreaterThanOrEqualTo(32);
        }
        try (Database db = open()) {
            assertThat(new AccountStore(db).sessionKey()).isEqualTo(key);
        }
    }
}
