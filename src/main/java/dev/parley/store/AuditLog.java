package dev.parley.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * The {@code audit_log} table: who changed what, for the server API's state-changing calls and
 * (later) player moderation. {@link #record} logs the entry at once (INFO, logger
 * {@code parley.audit}) and stores it on the given executor, so the caller (the admin thread)
 * never waits for the database; a failed store is logged as a warning, the entry stays in the
 * log file. {@link #read} is blocking. Thread-safe.
 */
public final class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final Logger audit = LoggerFactory.getLogger("parley.audit");
    /** Column widths of V9; longer values are cut, an audit entry must never fail on its length. */
    private static final int ACTOR = 64;
    private static final int ROLE = 16;
    private static final int ACTION = 64;
    private static final int TARGET = 256;
    private static final int REASON = 1024;

    /** One stored entry; {@code role} is "api" for the server API (the actor is the key's id). */
    public record Entry(long id, long atMs, String actor, String role, String action, String target, String reason) {
    }

    private final Database db;
    private final Executor writes;
    private final LongSupplier clock;

    /**
     * @param writes where entries are stored (the blocking pool)
     * @param clock  epoch milliseconds
     */
    public AuditLog(Database db, Executor writes, LongSupplier clock) {
        this.db = db;
        this.writes = writes;
        this.clock = clock;
    }

    /**
     * Logs and stores one entry. Any thread; does not block.
     *
     * @return completes once stored (exceptionally when that failed or was refused)
     */
    public CompletableFuture<Void> record(String actor, String role, String action, String target, String reason) {
        long at = clock.getAsLong();
        audit.info("{} {} {} {} reason={}", role, actor, action, target, reason == null || reason.isEmpty() ? "-" : reason);
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            writes.execute(() -> {
                try {
                    insert(at, actor, role, action, target, reason);
                    done.complete(null);
                } catch (SQLException | RuntimeException e) {
                    log.warn("Storing the audit entry {} {} {} failed: {}", actor, action, target, e.toString());
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("Audit entry {} {} {} not stored: the database queue is full", actor, action, target);
            done.completeExceptionally(e);
        }
        return done;
    }

    private void insert(long at, String actor, String role, String action, String target, String reason)
            throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO audit_log (at_ms, actor, role, action, target, reason) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, at);
            ps.setString(2, cut(actor, ACTOR));
            ps.setString(3, cut(role, ROLE));
            ps.setString(4, cut(action, ACTION));
            ps.setString(5, cut(target, TARGET));
            ps.setString(6, cut(reason, REASON));
            ps.executeUpdate();
        }
    }

    /** The newest {@code limit} entries with an id below {@code beforeId} (0 = from the newest), newest first. Blocking. */
    public List<Entry> read(int limit, long beforeId) throws SQLException {
        String sql = "SELECT id, at_ms, actor, role, action, target, reason FROM audit_log"
                + (beforeId > 0 ? " WHERE id < ?" : "") + " ORDER BY id DESC LIMIT ?";
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (beforeId > 0) {
                ps.setLong(i++, beforeId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    private static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
