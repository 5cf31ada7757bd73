package dev.parley.moderation;

import dev.parley.store.ModerationStore;

import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Who is banned until when: the in-memory copy of the {@code ban} table that logins consult
 * without touching the database. Expiry is read off the given clock (epoch ms); an expired ban
 * is dropped when it is next looked at. Thread-safe.
 */
public final class Bans {

    /** One ban: until when (epoch ms, {@link Long#MAX_VALUE} = permanent) and why. */
    public record Ban(long untilMs, String reason) {
        public boolean permanent() {
            return untilMs == Long.MAX_VALUE;
        }

        /** What a banned player is told: how long, and why. */
        public String describe() {
            return "banned " + (permanent() ? "permanently" : "until " + Instant.ofEpochMilli(untilMs))
                    + (reason.isEmpty() ? "" : ": " + reason);
        }
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
            byPlayer.put(b.playerId(), new Ban(b.untilMs() == null ? Long.MAX_VALUE : b.untilMs(), b.reason()));
        }
    }

    /**
     * Bans {@code playerId} for {@code durationMs} (0 = permanently), replacing its ban.
     *
     * @return the ban
     */
    public Ban set(long playerId, long durationMs, String reason) {
        Ban ban = new Ban(durationMs == 0 ? Long.MAX_VALUE : clock.getAsLong() + durationMs, reason);
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

    /** The clock's time now, epoch ms. */
    long now() {
        return clock.getAsLong();
    }
}
