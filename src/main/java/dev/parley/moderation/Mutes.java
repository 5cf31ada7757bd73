package dev.parley.moderation;

import dev.parley.store.ModerationStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Who is muted, where, and until when: per player at most one mute per room, room 0 meaning
 * every room. Expiry is read off the given clock (epoch ms), so tests need no sleeps; an expired
 * mute is dropped when it is next looked at. Thread-safe: mutes are set on the moderator's loop
 * (or the API thread) and read on the chatting player's loop.
 */
public final class Mutes {

    /**
     * One mute: where ({@code roomId}, 0 = everywhere), until when (epoch ms), why, and for
     * listings the muted player's name (null when its account is gone) and who muted it.
     */
    public record Mute(long roomId, long untilMs, String reason, String player, String by) {
    }

    /** A mute in force, as {@link #list} gives it. */
    public record Listed(long playerId, Mute mute) {
    }

    private final ConcurrentHashMap<Long, Map<Long, Mute>> byPlayer = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** @param clock epoch milliseconds */
    public Mutes(LongSupplier clock) {
        this.clock = clock;
    }

    /** The mutes read from the database at start. */
    public void load(Collection<ModerationStore.Mute> stored) {
        for (ModerationStore.Mute m : stored) {
            byPlayer.computeIfAbsent(m.playerId(), k -> new ConcurrentHashMap<>())
                    .put(m.roomId(), new Mute(m.roomId(), m.untilMs(), m.reason(), m.player(), m.by()));
        }
    }

    /** Exactly the mutes {@code stored} (read again from the database), replacing all held. */
    public void replaceAll(Collection<ModerationStore.Mute> stored) {
        Map<Long, Map<Long, Mute>> next = new HashMap<>();
        for (ModerationStore.Mute m : stored) {
            next.computeIfAbsent(m.playerId(), k -> new ConcurrentHashMap<>())
                    .put(m.roomId(), new Mute(m.roomId(), m.untilMs(), m.reason(), m.player(), m.by()));
        }
        byPlayer.keySet().retainAll(next.keySet());
        byPlayer.putAll(next);
    }

    /**
     * Mutes {@code playerId} (named {@code player}) in {@code roomId} (0 = everywhere) for
     * {@code durationMs}; 0 lifts that mute. {@code by} names who did.
     *
     * @return the mute, or null when lifted
     */
    public Mute set(long playerId, String player, long roomId, long durationMs, String reason, String by) {
        if (durationMs <= 0) {
            byPlayer.computeIfPresent(playerId, (k, rooms) -> {
                rooms.remove(roomId);
                return rooms.isEmpty() ? null : rooms;
            });
            return null;
        }
        Mute mute = new Mute(roomId, clock.getAsLong() + durationMs, reason, player, by);
        byPlayer.computeIfAbsent(playerId, k -> new ConcurrentHashMap<>()).put(roomId, mute);
        return mute;
    }

    /**
     * The mute that silences {@code playerId} in room {@code roomId} now (the one that lasts
     * longest, of that room's and the everywhere one), or null.
     */
    public Mute active(long playerId, long roomId) {
        Map<Long, Mute> rooms = byPlayer.get(playerId);
        if (rooms == null) {
            return null;
        }
        long now = clock.getAsLong();
        Mute here = live(rooms, roomId, now);
        Mute everywhere = roomId == 0 ? null : live(rooms, 0, now);
        if (here == null) {
            return everywhere;
        }
        return everywhere == null || here.untilMs() >= everywhere.untilMs() ? here : everywhere;
    }

    /** The mutes in force now, by player id and room; expired ones are dropped, not listed. */
    public List<Listed> list() {
        long now = clock.getAsLong();
        List<Listed> out = new ArrayList<>();
        byPlayer.forEach((playerId, rooms) -> {
            for (Long roomId : rooms.keySet()) {
                Mute m = live(rooms, roomId, now);
                if (m != null) {
                    out.add(new Listed(playerId, m));
                }
            }
        });
        out.sort(Comparator.comparingLong(Listed::playerId).thenComparing(l -> l.mute().roomId(), Long::compareUnsigned));
        return out;
    }

    /** Milliseconds until {@code mute} ends, at least 1 while it lasts. */
    public long remainingMs(Mute mute) {
        return Math.max(1, mute.untilMs() - clock.getAsLong());
    }

    private static Mute live(Map<Long, Mute> rooms, long roomId, long now) {
        Mute m = rooms.get(roomId);
        if (m != null && m.untilMs() <= now) {
            rooms.remove(roomId, m);
            return null;
        }
        return m;
    }
}
