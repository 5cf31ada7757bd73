package dev.parley.content;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UProperty;

/**
 * The character classes the content rules are made of, by ICU's Unicode data (newer than the
 * JDK's, and the only one with Default_Ignorable_Code_Point). Stateless, any thread.
 */
final class CodePoints {

    /** U+2800 BRAILLE PATTERN BLANK: a symbol, not default-ignorable, yet it renders as nothing. */
    private static final int BRAILLE_BLANK = 0x2800;

    private CodePoints() {
    }

    /** C0, DEL and C1 controls (general category Cc). */
    static boolean isControl(int cp) {
        return UCharacter.getType(cp) == UCharacterCategory.CONTROL;
    }

    /** U+2028 and U+2029: line breaks other than line feed. */
    static boolean isLineOrParagraphSeparator(int cp) {
        int type = UCharacter.getType(cp);
        return type == UCharacterCategory.LINE_SEPARATOR || type == UCharacterCategory.PARAGRAPH_SEPARATOR;
    }

    /** Any Unicode white space, including no-break and ideographic spaces. */
    static boolean isSpace(int cp) {
        return UCharacter.hasBinaryProperty(cp, UProperty.WHITE_SPACE)
                || UCharacter.getType(cp) == UCharacterCategory.SPACE_SEPARATOR;
    }

    /**
     * Characters that take no visible room: the default-ignorables (zero-width space and
     * joiners, BOM, soft hyphen, bidi controls, variation selectors, the Hangul fillers U+115F,
     * U+1160, U+3164 and U+FFA0, ...) and the braille blank.
     */
    static boolean isInvisible(int cp) {
        return cp == BRAILLE_BLANK || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT);
    }

    /** Seen on screen: not white space, not invisible, not a control or line separator. */
    static boolean isVisible(int cp) {
        return !isSpace(cp) && !isInvisible(cp) && !isControl(cp) && !isLineOrParagraphSeparator(cp);
    }

    /** {@code U+202E RIGHT-TO-LEFT OVERRIDE}, for reasons a person reads. */
    static String describe(int cp) {
        String hex = String.format("U+%04X", cp);
        String name = UCharacter.getName(cp);
        return name == null || name.isEmpty() ? hex : hex + " " + name;
    }
}
