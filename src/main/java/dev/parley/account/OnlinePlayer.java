package dev.parley.account;

/** A logged-in player as presence tracks it: one connection of one account. */
public interface OnlinePlayer {

    long playerId();

    /** The account's name as registered (its spelling, not its key). */
    String name();
}
