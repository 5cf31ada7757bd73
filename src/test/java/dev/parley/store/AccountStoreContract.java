package dev.parley.store;

import dev.parley.content.Names;
import dev.parley.server.ServerConfig;
import dev.parley.testing.BackendContract;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The account store on one database: names unique regardless of case and by their look-alike
 * skeleton, and the skeletons of accounts that existed before the skeleton column (V3, V4).
 */
abstract class AccountStoreContract extends BackendContract {

    private String url;
    private String user;

    private String url() {
        if (url == null) {
            ServerConfig.Builder b = ServerConfig.builder().dataDir(dir);
            backend.configure(b);
            ServerConfig.Storage c = b.build().storage();
            url = c.external() ? c.dbUrl() : Database.embeddedUrl(dir);
            user = c.dbUser();
        }
        return url;
    }

    private Database open() {
        return Database.open(url(), user, null, 2);
    }

    @Test
    void aNameIsFoundByAnyCaseVariantAndALookAlikeBySkeleton() throws SQLException {
        try (Database db = open()) {
            AccountStore accounts = new AccountStore(db);
            Account alice = accounts.createOrGet("Alice", Names.skeleton("Alice"), "hash-a");
            assertThat(accounts.find("ALICE")).contains(alice);
            assertThat(accounts.find("\u0410lice")).isEmpty(); // a different name ...
            assertThat(accounts.findBySkeleton(Names.skeleton("\u0410lice"))).contains(alice); // ... that looks alike
            assertThat(accounts.findBySkeleton(Names.skeleton("Bob"))).isEmpty();
        }
    }

    @Test
    void aLookAlikeCannotBeStoredBesideTheName() throws SQLException {
        try (Database db = open()) {
            AccountStore accounts = new AccountStore(db);
            Account alice = accounts.createOrGet("Alice", Names.skeleton("Alice"), "hash-a");
            // as when two logins race: the insert loses on the unique skeleton and gets the holder
            Account lookAlike = accounts.createOrGet("\u0410lice", Names.skeleton("\u0410lice"), "hash-b");
            assertThat(lookAlike).isEqualTo(alice);
            // and on the unique name key, for a case variant
            assertThat(accounts.createOrGet("aLICE", "some other skeleton", "hash-c")).isEqualTo(alice);
            assertThat(accountNames(db)).containsExactly(Map.entry("Alice", Names.skeleton("Alice")));
            // the database itself refuses a second holder of a skeleton
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO account (name, name_key, skeleton,"
                         + " password_hash, created_at) VALUES ('x', 'x', ?, 'h', CURRENT_TIMESTAMP)")) {
                ps.setString(1, Names.skeleton("Alice"));
                assertThatThrownBy(ps::executeUpdate).isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            }
        }
    }

    @Test
    void accountsFromBeforeSkeletonsGetThemTheOldestKeepingALookAlikePairsOne() throws SQLException {
        // a database as V1/V2 left it, with accounts in it
        Flyway.configure().dataSource(url(), user, null).locations("classpath:db/migration").target("2").load()
                .migrate();
        try (Connection c = backend.connect(dir);
             PreparedStatement ps = c.prepareStatement("INSERT INTO account (name, name_key, password_hash, created_at)"
                     + " VALUES (?, ?, 'h', CURRENT_TIMESTAMP)")) {
            for (String name : new String[]{"Alice", "bob", "\u0410lice", "b0b", "Ｃarol"}) {
                ps.setString(1, name);
                ps.setString(2, AccountStore.nameKey(name));
                ps.executeUpdate();
            }
        }
        try (Database db = open()) {
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("Alice", "alice");
            expected.put("bob", "bob");
            expected.put("\u0410lice", null); // looks like the older Alice
            expected.put("b0b", null); // looks like the older bob
            expected.put("Ｃarol", "carol"); // skeleton of its NFKC form
            assertThat(accountNames(db)).containsExactlyEntriesOf(expected);
            AccountStore accounts = new AccountStore(db);
            // the younger look-alike still logs in by its name; new look-alikes meet the older one
            assertThat(accounts.find("\u0410lice")).get().extracting(Account::name).isEqualTo("\u0410lice");
            assertThat(accounts.findBySkeleton(Names.skeleton("AIice"))).get().extracting(Account::name)
                    .isEqualTo("Alice");
            assertThat(accounts.createOrGet("Dave", Names.skeleton("Dave"), "h").name()).isEqualTo("Dave");
        }
    }

    /** name -> skeleton of every account, oldest first. */
    private static Map<String, String> accountNames(Database db) throws SQLException {
        Map<String, String> names = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, skeleton FROM account ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.put(rs.getString(1), rs.getString(2));
            }
        }
        return names;
    }
}
