package dev.parley.chatlog;

import dev.parley.logging.LogLimiter;
import dev.parley.protocol.pb.ChatNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Moves accepted chat messages from a bounded in-memory queue into a {@link MessageSink} (the
 * database), in batches, on a thread of its own ({@code parley-chatlog}): rooms only enqueue, so
 * a slow database never delays delivery. Sink calls run on a second thread
 * ({@code parley-chatlog-db}) that the writer waits on in slices, so even a sink that hangs
 * (rather than fails) cannot stop the writer from spilling.
 *
 * <p>Invariants:
 * <ul>
 * <li>Order is strictly first in, first out, across the sink and the spill file: a room's
 *     messages reach the sink in seq order, so {@link StoredSeq} can say "everything up to here
 *     is stored". While the {@link SpillFile} holds messages, new batches go behind them into the
 *     file, never past them into the sink.</li>
 * <li>A {@link StoredSeq} advances only after the sink has committed the message (directly or
 *     by replay), never on a spill.</li>
 * <li>Every entry taken from the queue ends in the sink or the spill file (only a spill file
 *     that cannot be written even past the close deadline loses messages, and says so).</li>
 * <li>With {@code sync}, {@code onStored} runs for every entry, in queue order, only once its
 *     batch is committed or forced (fsync) to the spill file.</li>
 * </ul>
 *
 * <p>A failed batch is retried with backoff while the queue keeps filling; once the queue is
 * half full, or the batch has waited {@link ChatLogSettings.Timing#spillAfter()}, it and
 * everything after it go to the spill file instead, until the file has been replayed into the
 * sink. Inserts are idempotent, so a write that timed out here but committed there is harmless
 * when replayed. With {@code sync} ("stored before delivered") batches are written as soon as
 * messages wait (group commit) rather than once per flush interval.
 */
final class ChatLogWriter {

    private static final Logger log = LoggerFactory.getLogger(ChatLogWriter.class);
    /** Lines that repeat as long as their cause lasts (a bug in a loop, a full disk, a failing callback). */
    private static final Duration REPEAT_INTERVAL = Duration.ofSeconds(10);
    private final LogLimiter writerErrorLog = new LogLimiter(log, REPEAT_INTERVAL);
    private final LogLimiter spillRetryLog = new LogLimiter(log, REPEAT_INTERVAL);
    private final LogLimiter deliveryErrorLog = new LogLimiter(log, REPEAT_INTERVAL);

    /** Messages per database transaction at most. */
    static final int MAX_BATCH = 2000;
    /** Messages per replay transaction at most (also at start). */
    static final int MAX_REPLAY = 5000;
    /** Sync mode, idle: how long a wait for the first message lasts before looking up. */
    private static final long IDLE_POLL_MILLIS = 50;
    /** close() waits this much beyond the close deadline for the thread (a spill write, say). */
    private static final long JOIN_GRACE_MILLIS = 10_000;

    /** One accepted message on its way to the database. */
    record Entry(ChatNotify message, StoredSeq stored, Runnable onStored) {
    }

    private final LinkedBlockingQueue<Entry> queue;
    private final int capacity;
    private final MessageSink sink;
    private final SpillFile spill;
    private final LongFunction<StoredSeq> rooms;
    private final ChatLogMetrics metrics;
    private final long flushNanos;
    private final boolean sync;
    private final long spillAfterNanos;
    private final long closeDeadlineNanos;
    private final long minBackoffNanos;
    private final long maxBackoffNanos;
    private final ExecutorService db;
    private final Thread thread;
    /** How often waits look up: about the flush interval, within 5..100 ms. */
    private final long slice;

    private volatile boolean closing;
    private volatile long closeDeadline;
    private volatile boolean cleanlyClosed;

    // writer thread only
    private Future<?> lastDbTask;
    private long backoffNanos;
    private long replayNotBefore;
    private boolean failing;
    private boolean spilling;

    /**
     * @param rooms the open rooms' {@link StoredSeq} by room id (null for a closed room), for
     *              messages replayed from the spill file
     */
    ChatLogWriter(ChatLogSettings settings, MessageSink sink, SpillFile spill, LongFunction<StoredSeq> rooms,
                  ChatLogMetrics metrics) {
        this.capacity = settings.queueCapacity();
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.sink = sink;
        this.spill = spill;
        this.rooms = rooms;
        this.metrics = metrics;
        this.flushNanos = settings.flushInterval().toNanos();
        this.sync = settings.sync();
        ChatLogSettings.Timing timing = settings.timing();
        this.spillAfterNanos = timing.spillAfter().toNanos();
        this.closeDeadlineNanos = timing.closeDeadline().toNanos();
        this.minBackoffNanos = timing.minBackoff().toNanos();
        this.maxBackoffNanos = timing.maxBackoff().toNanos();
        this.backoffNanos = minBackoffNanos;
        this.db = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "parley-chatlog-db");
            t.setDaemon(true); // a database call hung at exit must not keep the JVM alive
            return t;
        });
        this.thread = new Thread(this::run, "parley-chatlog");
        // a JVM that exits without close() has crashed as far as the log is concerned
        this.thread.setDaemon(true);
        this.slice = Math.min(Math.max(flushNanos, TimeUnit.MILLISECONDS.toNanos(5)), TimeUnit.MILLISECONDS.toNanos(100));
    }

    /** Once, by the opener, after a replay at start. */
    void start() {
        thread.start();
    }

    /** Any thread. False when the queue is full (or the log is closing): the message is not accepted. */
    boolean offer(Entry entry) {
        return !closing && queue.offer(entry);
    }

    int queued() {
        return queue.size();
    }

    /**
     * Once, on the closing thread: stores or spills everything queued, replays what it can of the
     * spill file within the close deadline, and stops. Returns true when every message is in the
     * database or the spill file.
     */
    boolean close() {
        closeDeadline = System.nanoTime() + closeDeadlineNanos;
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(closeDeadlineNanos) + JOIN_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        db.shutdownNow();
        return cleanlyClosed && !thread.isAlive();
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(MAX_BATCH);
        long nextFlush = System.nanoTime() + flushNanos;
        while (true) {
            try {
                if (!closing) {
                    awaitWork(nextFlush);
                }
                nextFlush = System.nanoTime() + flushNanos;
                boolean any = false;
                // what waits now, in batches; later arrivals wait for the next flush
                for (int pending = queue.size(); pending > 0; ) {
                    batch.clear();
                    int n = queue.drainTo(batch, Math.min(MAX_BATCH, pending));
                    if (n == 0) {
                        break;
                    }
                    any = true;
                    pending -= n;
                    process(batch);
                }
                if (!any && spill.hasPending()) {
                    replayOnce();
                }
                if (closing && queue.isEmpty()
                        && (!spill.hasPending() || pastCloseDeadline() || failing || databaseBusy())) {
                    break; // what could not be replayed stays in the spill file for the next start
                }
            } catch (Throwable t) {
                // a bug, not the database: keep the thread (and so every later message) alive
                writerErrorLog.warn(b -> b.setMessage("chat log writer error; continuing").setCause(t));
                LockSupport.parkNanos(minBackoffNanos);
            }
        }
        finish();
    }

    /** Async: one flush interval. Sync: until the first message arrives. */
    private void awaitWork(long nextFlush) throws InterruptedException {
        if (sync) {
            Entry first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (first != null) {
                List<Entry> one = new ArrayList<>(MAX_BATCH);
                one.add(first);
                queue.drainTo(one, MAX_BATCH - 1);
                process(one);
            }
            return;
        }
        long wait;
        while (!closing && queue.size() < MAX_BATCH && (wait = nextFlush - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, wait);
        }
    }

    private void process(List<Entry> batch) {
        if (spill.hasPending()) {
            spillEntries(batch);
            replayOnce();
        } else {
            writeDirect(batch);
        }
    }

    private void writeDirect(List<Entry> batch) {
        List<ChatNotify> messages = messages(batch);
        long started = System.nanoTime();
        while (true) {
            Object outcome = await(submit(messages), started, true);
            if (outcome == null) {
                stored(batch);
                return;
            }
            if (outcome == GIVE_UP) {
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                noteFailure(new TimeoutException("no answer from the database within " + waited + " ms"));
                spillEntries(batch);
                return;
            }
            metrics.retries.increment();
            noteFailure((Throwable) outcome);
            if (!sleepUnlessSpillDue(started)) {
                spillEntries(batch);
                return;
            }
        }
    }

    private static final Object GIVE_UP = new Object();

    /**
     * Waits for a database task in slices of the flush interval: null when it succeeded, its
     * failure, or {@link #GIVE_UP} when spilling became due (a direct write) or closing ran out
     * of time. Meanwhile, in spill mode, the queue keeps moving into the spill file.
     */
    private Object await(Future<?> task, long started, boolean direct) {
        while (true) {
            try {
                task.get(slice, TimeUnit.NANOSECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                if (direct ? spillDue(started) : pastCloseDeadline()) {
                    return GIVE_UP;
                }
                if (!direct) {
                    moveQueueToSpill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return GIVE_UP;
            }
        }
    }

    private boolean spillDue(long started) {
        return queue.size() >= capacity / 2
                || System.nanoTime() - started >= spillAfterNanos
                || pastCloseDeadline();
    }

    private boolean pastCloseDeadline() {
        return closing && System.nanoTime() - closeDeadline > 0;
    }

    /** Backs off before a retry; false when spilling became due instead. */
    private boolean sleepUnlessSpillDue(long started) {
        long until = System.nanoTime() + backoffNanos;
        backoffNanos = Math.min(backoffNanos * 2, maxBackoffNanos);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            if (spillDue(started)) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, slice));
        }
        return !spillDue(started);
    }

    private Future<?> submit(List<ChatNotify> messages) {
        Future<?> f = db.submit(() -> {
            long started = System.nanoTime();
            sink.insert(messages);
            metrics.commitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return null;
        });
        lastDbTask = f;
        return f;
    }

    private void stored(List<Entry> batch) {
        for (Entry e : batch) {
            e.stored().advance(e.message().getSeq());
        }
        metrics.written.increment(batch.size());
        metrics.batchSize.record(batch.size());
        recovered();
        acknowledge(batch);
    }

    private void spillEntries(List<Entry> batch) {
        List<ChatNotify> messages = messages(batch);
        while (true) {
            try {
                spill.append(messages);
                if (sync) {
                    spill.force();
                }
                break;
            } catch (IOException e) {
                if (pastCloseDeadline()) {
                    log.error("chat log: cannot write the spill file {} ({}); {} message(s) are lost",
                            spill.path(), e.toString(), messages.size());
                    return;
                }
                // the disk is full or gone as well: hold on, the queue fills and new chat is refused
                spillRetryLog.warn("chat log: cannot write the spill file {} ({}); retrying", spill.path(), e.toString());
                LockSupport.parkNanos(maxBackoffNanos);
            }
        }
        if (!spilling) {
            spilling = true;
            log.warn("chat log: the database is not keeping up; spilling messages to {} until it does", spill.path());
        }
        metrics.spilled.increment(messages.size());
        acknowledge(batch);
    }

    /** Spill mode: whatever waits in the queue goes behind what is already in the file. */
    private void moveQueueToSpill() {
        List<Entry> batch = new ArrayList<>();
        while (queue.drainTo(batch, MAX_BATCH) > 0) {
            spillEntries(batch);
            batch.clear();
        }
    }

    /** A write that timed out still holds the database thread. */
    private boolean databaseBusy() {
        return lastDbTask != null && !lastDbTask.isDone();
    }

    private void replayOnce() {
        if (databaseBusy()) {
            return;
        }
        if (System.nanoTime() - replayNotBefore < 0 && !closing) {
            return;
        }
        SpillFile.Chunk chunk;
        try {
            chunk = spill.read(MAX_REPLAY);
        } catch (IOException e) {
            log.error("chat log: cannot read the spill file {}; it is kept for the next start", spill.path(), e);
            replayNotBefore = System.nanoTime() + maxBackoffNanos;
            failing = true;
            return;
        }
        if (!chunk.messages().isEmpty()) {
            Object outcome = await(submit(chunk.messages()), System.nanoTime(), false);
            if (outcome != null) {
                metrics.retries.increment();
                if (outcome != GIVE_UP) {
                    noteFailure((Throwable) outcome);
                }
                failing = true;
                replayNotBefore = System.nanoTime() + backoffNanos;
                backoffNanos = Math.min(backoffNanos * 2, maxBackoffNanos);
                return;
            }
            spill.consume(chunk);
            for (ChatNotify m : chunk.messages()) {
                StoredSeq s = rooms.apply(m.getRoomId());
                if (s != null) {
                    s.advance(m.getSeq());
                }
            }
            int n = chunk.messages().size();
            metrics.replayed.increment(n);
            metrics.written.increment(n);
            metrics.batchSize.record(n);
            recovered();
        }
        if (!spill.hasPending()) {
            try {
                spill.reset();
                spilling = false;
                log.info("chat log: the spill file is replayed; writing to the database directly again");
            } catch (IOException e) {
                log.error("chat log: cannot truncate the spill file {}", spill.path(), e);
            }
        }
    }

    private void noteFailure(Throwable t) {
        if (!failing) {
            failing = true;
            log.warn("chat log: database write failed ({}); retrying, and spilling to {} if it persists",
                    t.toString(), spill.path());
        }
    }

    private void recovered() {
        backoffNanos = minBackoffNanos;
        if (failing) {
            failing = false;
            log.info("chat log: database writes succeed again");
        }
    }

    private void acknowledge(List<Entry> batch) {
        if (!sync) {
            return;
        }
        for (Entry e : batch) {
            if (e.onStored() == null) {
                continue;
            }
            try {
                e.onStored().run();
            } catch (RuntimeException ex) {
                deliveryErrorLog.warn(b -> b.setMessage("chat log: delivery after storing failed").setCause(ex));
            }
        }
    }

    private void finish() {
        List<Entry> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            spillEntries(rest);
        }
        try {
            spill.force();
            cleanlyClosed = true;
        } catch (IOException e) {
            log.error("chat log: cannot force the spill file {}", spill.path(), e);
        }
        if (spill.hasPending()) {
            log.warn("chat log: {} byte(s) of messages stay in {}; they are replayed at the next start",
                    spill.pendingBytes(), spill.path());
        }
    }

    private static List<ChatNotify> messages(List<Entry> batch) {
        List<ChatNotify> list = new ArrayList<>(batch.size());
        for (Entry e : batch) {
            list.add(e.message());
        }
        return list;
    }
}
