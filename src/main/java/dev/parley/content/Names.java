package dev.parley.content;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

/**
 * The rules for player and room names, and the keys that make player names unique. Check
 * methods return a reason naming the broken rule, or null when the name is fine. Stateless,
 * any thread (the NFKC normaliser and the spoof checker are immutable).
 *
 * <p>A name is taken in its NFKC form ({@link #normalise}): full-width letters, ligatures,
 * no-break and ideographic spaces become their plain equivalents, and the server stores and
 * shows that form. The rules then apply to the normalised name:
 * <ol>
 *   <li><b>length</b>: 1-32 characters (rooms 1-64), counted in code points;</li>
 *   <li><b>no control or format characters</b> (Cc, Cf, U+2028/2029: NUL, line breaks, bidi
 *       overrides, zero-width joiners, ...);</li>
 *   <li><b>no invisible characters</b>: default-ignorables (variation selectors, the Hangul
 *       fillers U+115F, U+1160, U+3164, U+FFA0, ...) and the braille blank U+2800;</li>
 *   <li><b>no private-use or unassigned code points</b>: they show as whatever a client's font
 *       makes of them, or as nothing;</li>
 *   <li><b>white space</b>: only U+0020, never first or last, never two in a row.</li>
 * </ol>
 * Player names are also unique by {@link #skeleton}: a name that looks like an existing one
 * ("Аlice" with a Cyrillic А, "AIice" with a capital I, "b0b") cannot be registered beside it.
 */
public final class Names {
    public static final int MAX_PLAYER_NAME = 32;
    public static final int MAX_ROOM_NAME = 64;
    public static final int MAX_PASSWORD = 128;

    private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
    private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();

    private Names() {
    }

    /** The NFKC form of {@code name}: what the server stores, shows and checks. */
    public static String normalise(String name) {
        return NFKC.normalize(name);
    }

    /**
     * The key under which player names must be unique: names with the same skeleton look alike.
     * It is the UTS #39 skeleton of the case-folded UTS #39 skeleton of the NFKC form, so that
     * confusables that differ only in case collide too ("AIice", "Аlice" and "alice" all give
     * "alice"). Case variants of one name need not share a skeleton ("ALICE" gives "allce",
     * its I read as l); they are one account by {@code AccountStore.nameKey} anyway.
     *
     * <p>The skeleton depends on ICU's confusables data: an ICU upgrade that changes it needs
     * the stored skeletons recomputed (see {@code db.migration.V4__Account_skeletons}).
     */
    public static String skeleton(String name) {
        String folded = UCharacter.foldCase(SPOOF.getSkeleton(normalise(name)), UCharacter.FOLD_CASE_DEFAULT);
        return SPOOF.getSkeleton(folded);
    }

    /** Checks the NFKC form of a player name; see the class comment for the rules. */
    public static String checkPlayerName(String name) {
        return check("name", normalise(name), MAX_PLAYER_NAME);
    }

    /** Checks the NFKC form of a room name; see the class comment for the rules. */
    public static String checkRoomName(String name) {
        return check("room name", normalise(name), MAX_ROOM_NAME);
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
        int previous = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            String reason = checkCharacter(what, cp);
            if (reason != null) {
                return reason;
            }
            if (cp == ' ' && previous == ' ') {
                return what + " must not contain two spaces in a row";
            }
            previous = cp;
        }
        if (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return what + " must not start or end with white space";
        }
        return null;
    }

    private static String checkCharacter(String what, int cp) {
        int type = UCharacter.getType(cp);
        if (type == UCharacterCategory.CONTROL || type == UCharacterCategory.FORMAT
                || type == UCharacterCategory.SURROGATE || CodePoints.isLineOrParagraphSeparator(cp)) {
            return what + " must not contain control or format characters (" + CodePoints.describe(cp) + ")";
        }
        if (CodePoints.isInvisible(cp)) {
            return what + " must not contain invisible characters (" + CodePoints.describe(cp) + ")";
        }
        if (type == UCharacterCategory.PRIVATE_USE) {
            return what + " must not contain private-use characters (" + CodePoints.describe(cp) + ")";
        }
        if (type == UCharacterCategory.UNASSIGNED) {
            return what + " must not contain unassigned code points (" + CodePoints.describe(cp) + ")";
        }
        if (cp != ' ' && CodePoints.isSpace(cp)) {
            return what + " must not contain white space other than single spaces (" + CodePoints.describe(cp) + ")";
        }
        return null;
    }
}
