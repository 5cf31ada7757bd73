package dev.parley.content;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's blocked-words policy: the list from {@code --blocked-words-file}, what happens
 * to a chat text that contains one ({@link Mode}), and the count of texts it caught. The list
 * can be reloaded from its file while the server runs ({@link #reload}); chat being checked at
 * that moment uses the old or the new list, never a mix. Any thread.
 *
 * <p>The file holds one word per line in UTF-8; blank lines and lines starting with {@code #}
 * are ignored. See {@link WordFilter} for what matches.
 */
public final class BlockedWords {

    /** What a chat text with a blocked word becomes. */
    public enum Mode {
        /** Delivered with the word's characters replaced by {@link WordFilter#MASK}. */
        MASK,
        /** Refused with a reason; nothing is stored or delivered. */
        REFUSE;

        public static Mode parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "mask" -> MASK;
                case "refuse" -> REFUSE;
                default -> throw new IllegalArgumentException("unknown blocked-words mode '" + s + "'; expected mask or refuse");
            };
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What {@link #apply} made of a text: the text to deliver, or the reason it is refused. */
    public record Outcome(String text, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    public static final Mode DEFAULT_MODE = Mode.MASK;
    /** No file: nothing is filtered and chat pays nothing for the check. */
    public static final BlockedWords OFF = new BlockedWords(null, DEFAULT_MODE, WordFilter.NONE);

    private final Path file;
    private final Mode mode;
    private final AtomicReference<WordFilter> filter;
    private final LongAdder caught = new LongAdder();
    private volatile Runnable reloaded = () -> { };

    private BlockedWords(Path file, Mode mode, WordFilter initial) {
        this.file = file;
        this.mode = mode;
        this.filter = new AtomicReference<>(initial);
    }

    /**
     * The policy for {@code file} (null = off).
     *
     * @throws IllegalArgumentException with one line naming the file and the problem
     */
    public static BlockedWords load(Path file, Mode mode) {
        if (file == null) {
            return mode == DEFAULT_MODE ? OFF : new BlockedWords(null, mode, WordFilter.NONE);
        }
        return new BlockedWords(file, mode, read(file));
    }

    /**
     * Reads the file again and, if it is valid, uses the new list from now on; an invalid file
     * leaves the old list in place.
     *
     * @return the number of words now in use
     * @throws IllegalArgumentException naming the problem, when the file is unreadable or invalid,
     *                                  or when no file is configured
     */
    public int reload() {
        int words = reloadHere();
        reloaded.run();
        return words;
    }

    /**
     * {@link #reload()} without telling the {@link #onReload} listener: what a reload started on
     * another node of a cluster does here.
     */
    public int reloadHere() {
        if (file == null) {
            throw new IllegalArgumentException("no --blocked-words-file is configured");
        }
        WordFilter next = read(file);
        filter.set(next);
        return next.size();
    }

    /** Runs after each successful {@link #reload()}, on its thread (a cluster tells its other nodes); set once at start. */
    public void onReload(Runnable listener) {
        this.reloaded = listener;
    }

    /** What {@code text} becomes under this policy; counts the texts that had a blocked word. */
    public Outcome apply(String text) {
        WordFilter f = filter.get();
        if (f.size() == 0) {
            return new Outcome(text, null);
        }
        if (mode == Mode.REFUSE) {
            if (f.matches(text)) {
                caught.increment();
                return new Outcome(null, "text contains a blocked word");
            }
            return new Outcome(text, null);
        }
        String masked = f.mask(text);
        if (masked != text) {
            caught.increment();
        }
        return new Outcome(masked, null);
    }

    public Mode mode() {
        return mode;
    }

    /** The configured file, or null. */
    public Path file() {
        return file;
    }

    /** How many words are in use now. */
    public int size() {
        return filter.get().size();
    }

    /** Chat texts that contained a blocked word, masked or refused, since start. */
    public long caught() {
        return caught.sum();
    }

    private static WordFilter read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the blocked-words file " + file + ": " + e.getMessage());
        }
        try {
            return WordFilter.of(lines.stream().filter(l -> !l.strip().startsWith("#")).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("blocked-words file " + file + ": " + e.getMessage());
        }
    }
}
