package dev.parley.store;

/** A stored player account. */
public record Account(long id, String name, String passwordHash) {
}
