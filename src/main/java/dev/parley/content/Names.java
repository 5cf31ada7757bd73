package dev.parley.content;

/** Validation of player and room names. Returns a reason, or null when the name is fine. */
public final class Names {
    public static final int MAX_PLAYER_NAME = 32;
    public static final int MAX_ROOM_NAME = 64;
    public static final int MAX_PASSWORD = 128;

    private Names() {
    }

    public static String checkPlayerName(String name) {
        return check("name", name, MAX_PLAYER_NAME);
    }

    public static String checkRoomName(String name) {
        return check("room name", name, MAX_ROOM_NAME);
    }

    public static String checkPassword(String password) {
        int n = password.codePointCount(0, password.length());
        if (n < 1 || n > MAX_PASSWORD) {
            return "password must be 1-" + MAX_PASSWORD + " characters";
        }
        return null;
    }

    private static String check(String what, String value, int max) {
        int n = value.codePointCount(0, value.length());
        if (n < 1 || n > max) {
            return what + " must be 1-" + max + " characters, was " + n;
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                return what + " must not contain control characters";
            }
            i += Character.charCount(cp);
        }
        if (Character.isWhitespace(value.codePointAt(0))
                || Character.isWhitespace(value.codePointBefore(value.length()))) {
            return what + " must not start or end with white space";
        }
        return null;
    }
}
