package dev.parley.logging;

/**
 * Text from clients made safe to log: control characters (a newline would forge a log line of
 * its own) become {@code ?}, and the length is capped. Stateless.
 */
public final class LogText {

    /** Client text longer than this is cut, with an ellipsis. */
    public static final int MAX_CHARS = 64;

    private LogText() {
    }

    /** {@code text} without control characters, at most {@link #MAX_CHARS} characters and an ellipsis. */
    public static String clean(CharSequence text) {
        if (text == null) {
            return "";
        }
        int n = Math.min(text.length(), MAX_CHARS);
        StringBuilder sb = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        if (text.length() > MAX_CHARS) {
            sb.append('…');
        }
        return sb.toString();
    }
}
