package dev.parley.moderation;

import dev.parley.store.ModerationStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Who is banned until when: the in-memory copy of the {@code ban} table that logins consult
 * without touching the database. Expiry is read off the given clock (epoch ms); an expired ban
 * is dropped when it is next looked at. Thread-safe.
 */
public final class Bans {

    /**
     * One ban: until when (epoch ms, {@link Long#MAX_VALUE} = permanent), why, and for listings the
     * banned player's name (null when its account is gone) and who banned it.
     */
    public record Ban(long untilMs, String reason, String player, String by) {
        public boolean permanent() {
            return untilMs == Long.MAX_VALUE;
        }

        /** What a banned player is told: how long, and why. */
        public String describe() {
            return "banned " + (permanent() ? "permanently" : "until " + Instant.ofEpochMilli(untilMs))
                    + (reason.isEmpty() ? "" : ": " + reason);
        }
    }

    /** A ban in force, as {@link #list} gives it. */
    public record Listed(long playerId, Ban ban) {
    }

    private final ConcurrentHashMap<Long, Ban> byPlayer = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** @param clock epoch milliseconds */
    public Bans(LongSupplier clock) {
        this.clock = clock;
    }

    /** The bans read from the database at start. */
    public void load(Collection<ModerationStore.Ban> stored) {
        for (ModerationStore.Ban b : stored) {
            byPlayer.put(b.playerId(), new Ban(b.untilMs() == null ? Long.MAX_VALUE : b.untilMs(), b.reason(),
                    b.player(), b.by()));
        }
    }

    /** Exactly the bans {@code stored} (read again from the database), replacing all held. */
    public void replaceAll(Collection<ModerationStore.Ban> stored) {
        Set<Long> keep = new HashSet<>();
        stored.forEach(b -> keep.add(b.playerId()));
        byPlayer.keySet().retainAll(keep);
        load(stored);
    }

    /**
     * Bans {@code playerId} (named {@code player}) for {@code durationMs} (0 = permanently),
     * replacing its ban; {@code by} names who did.
     *
     * @return the ban
     */
    public Ban set(long playerId, String player, long durationMs, String reason, String by) {
        Ban ban = new Ban(durationMs == 0 ? Long.MAX_VALUE : clock.getAsLong() + durationMs, reason, player, by);
        byPlayer.put(playerId, ban);
        return ban;
    }

    /** Lifts the ban of {@code playerId}, if any. */
    public void lift(long playerId) {
        byPlayer.remove(playerId);
    }

    /** The ban in force on {@code playerId} now, or null. */
    public Ban active(long playerId) {
        Ban b = byPlayer.get(playerId);
        if (b != null && b.untilMs() <= clock.getAsLong()) {
            byPlayer.remove(playerId, b);
            return null;
        }
        return b;
    }

    /** The bans in force now, by player id; expired ones are dropped, not listed. */
    public List<Listed> list() {
        List<Listed> out = new ArrayList<>();
        for (Long playerId : byPlayer.keySet()) {
            Ban b = active(playerId);
            if (b != null) {
                out.add(new Listed(playerId, b));
            }
        }
        out.sort(Comparator.comparingLong(Listed::playerId));
        return out;
    }

    /** The clock's time now, epoch ms. */
    long now() {
        return clock.getAsLong();
    }
}
