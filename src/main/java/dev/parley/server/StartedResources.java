package dev.parley.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What a server start has created so far, each with the action that releases it; released in
 * reverse order of creation, so a start that fails half-way releases exactly what it created,
 * and a shutdown releases everything in the order the start implies (listeners before the
 * event loops that serve them, the chat log before the database it writes to). A failing
 * release is logged and the rest still run. Filled by the starting thread; {@link #close()} is
 * called once, by whichever thread stops the server.
 */
final class StartedResources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StartedResources.class);

    private record Entry(String name, Runnable release) {
    }

    private final Deque<Entry> created = new ArrayDeque<>();

    /** Records {@code resource}, released by {@code release} on {@link #close()}; returns it. */
    <T> T add(String name, T resource, Consumer<? super T> release) {
        created.push(new Entry(name, () -> release.accept(resource)));
        return resource;
    }

    /** Releases everything added, newest first. */
    @Override
    public void close() {
        while (!created.isEmpty()) {
            Entry e = created.pop();
            try {
                e.release().run();
            } catch (RuntimeException failure) {
                log.warn("releasing {} failed", e.name(), failure);
            }
        }
    }
}
