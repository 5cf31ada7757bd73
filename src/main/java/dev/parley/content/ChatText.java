package dev.parley.content;

import java.util.Arrays;

/**
 * The rules a chat message's text must meet before a room accepts it, so that one player's
 * message cannot rewrite another player's screen. Stateless, any thread.
 *
 * <ol>
 *   <li><b>control characters</b>: no C0 or C1 control (NUL, ESC and so ANSI escape
 *       sequences, CR, tab, DEL, NEL, ...) and no U+2028/U+2029; line feed (U+000A) is the one
 *       line break allowed. Tab is refused too: terminals expand it unpredictably, and a chat
 *       line has no columns to align.</li>
 *   <li><b>bidi controls balanced per line</b>: every embedding or override (U+202A, U+202B,
 *       U+202D, U+202E) is closed by U+202C (PDF), and every isolate (U+2066-U+2068) by U+2069
 *       (PDI), properly nested, before the line ends; a closer without its opener is refused
 *       too. An open override would otherwise reverse whatever a client shows after the text
 *       (the next sender's name, a system line).</li>
 *   <li><b>something visible</b>: at least one character that is not white space (including
 *       no-break and ideographic spaces) and not invisible (zero-width space and joiners, BOM,
 *       the Hangul fillers, the braille blank, any other default-ignorable).</li>
 * </ol>
 *
 * <p>Line feeds stay allowed for multi-line messages; a client shows a message's later lines as
 * part of it (the console client prints them as U+FFFD on one line), never as lines of its own.
 */
public final class ChatText {

    private ChatText() {
    }

    /**
     * Why {@code text} cannot be sent as a message of at most {@code maxBytes} UTF-8 bytes
     * (empty, too long, or breaking a rule of {@link #check}), or null when it can.
     */
    public static String problem(String text, int maxBytes) {
        if (text.isEmpty()) {
            return "text is empty";
        }
        long bytes = utf8Bytes(text);
        if (bytes > maxBytes) {
            return "text is " + bytes + " bytes; the limit is " + maxBytes;
        }
        return check(text);
    }

    /** The length of {@code text} in UTF-8 (a lone surrogate, which a parsed message never holds, as 3 bytes). */
    static long utf8Bytes(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Why {@code text} breaks a rule, naming the rule and the character, or null when it is fine. */
    public static String check(String text) {
        BidiNesting bidi = new BidiNesting();
        boolean visible = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n') {
                String open = bidi.lineEnded();
                if (open != null) {
                    return open;
                }
                continue;
            }
            if (CodePoints.isControl(cp) || CodePoints.isLineOrParagraphSeparator(cp)) {
                return "text contains the control character " + CodePoints.describe(cp)
                        + "; the only control character allowed is line feed (U+000A)";
            }
            String unbalanced = bidi.accept(cp);
            if (unbalanced != null) {
                return unbalanced;
            }
            visible |= CodePoints.isVisible(cp);
        }
        String open = bidi.lineEnded();
        if (open != null) {
            return open;
        }
        return visible ? null : "text has no visible characters (only white space or invisible characters)";
    }

    /** The open bidi embeddings, overrides and isolates of the current line, innermost last. */
    private static final class BidiNesting {
        private static final int PDF = 0x202C;
        private static final int PDI = 0x2069;

        private int[] open = new int[4];
        private int depth;

        /** Tracks {@code cp}; the reason when it closes something that is not open. */
        String accept(int cp) {
            if (isEmbeddingOrOverride(cp) || isIsolate(cp)) {
                if (depth == open.length) {
                    open = Arrays.copyOf(open, depth * 2);
                }
                open[depth++] = cp;
            } else if (cp == PDF || cp == PDI) {
                boolean matches = depth > 0
                        && (cp == PDF ? isEmbeddingOrOverride(open[depth - 1]) : isIsolate(open[depth - 1]));
                if (!matches) {
                    return "text has " + CodePoints.describe(cp) + " without a matching opening bidi control";
                }
                depth--;
            }
            return null;
        }

        /** The reason when the line ends with something still open; resets for the next line. */
        String lineEnded() {
            if (depth == 0) {
                return null;
            }
            int innermost = open[depth - 1];
            depth = 0;
            return "text leaves " + CodePoints.describe(innermost) + " unterminated; close it with "
                    + (isIsolate(innermost) ? "U+2069 (PDI)" : "U+202C (PDF)") + " on the same line";
        }

        private static boolean isEmbeddingOrOverride(int cp) {
            return cp == 0x202A || cp == 0x202B || cp == 0x202D || cp == 0x202E;
        }

        private static boolean isIsolate(int cp) {
            return cp >= 0x2066 && cp <= 0x2068;
        }
    }
}
