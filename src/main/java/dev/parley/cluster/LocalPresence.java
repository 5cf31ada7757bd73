package dev.parley.cluster;

import dev.parley.account.OnlinePlayer;
import dev.parley.account.Presence;
import dev.parley.store.AccountStore;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The presence of a single node: a concurrent map from name key to connection. Thread-safe. */
public final class LocalPresence implements Presence {

    private final ConcurrentMap<String, OnlinePlayer> online = new ConcurrentHashMap<>();

    @Override
    public boolean claim(String name, OnlinePlayer player) {
        return online.putIfAbsent(AccountStore.nameKey(name), player) == null;
    }

    @Override
    public OnlinePlayer replace(String name, OnlinePlayer player) {
        OnlinePlayer previous = online.put(AccountStore.nameKey(name), player);
        return previous == player ? null : previous;
    }

    @Override
    public void release(String name, OnlinePlayer player) {
        online.remove(AccountStore.nameKey(name), player);
    }

    @Override
    public OnlinePlayer find(String name) {
        return online.get(AccountStore.nameKey(name));
    }

    @Override
    public java.util.Collection<OnlinePlayer> players() {
        return java.util.List.copyOf(online.values());
    }

    @Override
    public int online() {
        return online.size();
    }
}
