package dev.parley.content;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChatTextTest {

    @Test
    void problemAddsTheLengthRulesInUtf8Bytes() {
        assertThat(ChatText.problem("", 10)).isEqualTo("text is empty");
        assertThat(ChatText.problem("0123456789", 10)).isNull();
        assertThat(ChatText.problem("01234567890", 10)).isEqualTo("text is 11 bytes; the limit is 10");
        assertThat(ChatText.problem("é😀", 6)).isNull(); // 2 + 4 bytes
        assertThat(ChatText.problem("éé😀", 7)).isEqualTo("text is 8 bytes; the limit is 7");
        assertThat(ChatText.problem("a\u001bb", 10)).contains("U+001B");
    }

    @Test
    void ordinaryTextPasses() {
        assertThat(ChatText.check("hello")).isNull();
        assertThat(ChatText.check("gg wp 😀 안녕 مرحبا")).isNull();
        assertThat(ChatText.check("first line\nsecond line")).isNull(); // line feed is allowed
        assertThat(ChatText.check("\uE000 icon from the game's font")).isNull(); // private use is fine in chat
        assertThat(ChatText.check("👨\u200D👩\u200D👧")).isNull(); // joiners inside an emoji sequence
    }

    @Test
    void controlCharactersOtherThanLineFeedAreRefused() {
        // the findings: a fake system line after CR/LF, an ANSI colour escape, NUL
        assertThat(ChatText.check("gg\r\n[SYSTEM] you were banned")).contains("control character U+000D");
        assertThat(ChatText.check("\u001b[31mred")).contains("control character U+001B");
        assertThat(ChatText.check("a\u0000b")).contains("control character U+0000");
        assertThat(ChatText.check("a\tb")).contains("U+0009");
        assertThat(ChatText.check("a\u007fb")).contains("U+007F");
        assertThat(ChatText.check("a\u0085b")).contains("U+0085"); // C1 next line
        assertThat(ChatText.check("a\u009b31mb")).contains("U+009B"); // C1 CSI
        assertThat(ChatText.check("a\u2028b")).contains("U+2028 LINE SEPARATOR");
        assertThat(ChatText.check("a\u2029b")).contains("U+2029");
        assertThat(ChatText.check("a\u000bb")).contains("only control character allowed is line feed");
    }

    @Test
    void bidiOverridesMustBeClosedOnTheirLine() {
        assertThat(ChatText.check("evil \u202Etxt.exe")).contains("U+202E RIGHT-TO-LEFT OVERRIDE")
                .contains("unterminated").contains("U+202C");
        assertThat(ChatText.check("fine \u202Etxt\u202C.exe")).isNull();
        assertThat(ChatText.check("\u2067isolated\u2069 text")).isNull();
        assertThat(ChatText.check("\u2068first strong")).contains("U+2068").contains("U+2069 (PDI)");
        for (int opener : new int[]{0x202A, 0x202B, 0x202D, 0x202E}) {
            assertThat(ChatText.check("x" + Character.toString(opener) + "y")).as("U+%04X", opener)
                    .contains("unterminated");
            assertThat(ChatText.check("x" + Character.toString(opener) + "y\u202C")).as("U+%04X", opener).isNull();
        }
        // nested properly, and an override inside an isolate closed before its PDI
        assertThat(ChatText.check("\u2066a\u202Bb\u202Cc\u2069")).isNull();
        // an embedding cannot be closed by PDI, nor an isolate by PDF
        assertThat(ChatText.check("\u202Ea\u2069")).contains("U+2069").contains("without a matching");
        assertThat(ChatText.check("\u2066a\u202C\u2069")).contains("U+202C").contains("without a matching");
        assertThat(ChatText.check("stray \u202C")).contains("without a matching");
        // a line feed ends every open override: it must be closed before
        assertThat(ChatText.check("\u202Eline one\nline two\u202C")).contains("unterminated");
    }

    @Test
    void textMustShowSomething() {
        assertThat(ChatText.check("\u200B")).contains("no visible characters"); // the finding: ZWSP only
        assertThat(ChatText.check("\u200B\u200C\u200D\uFEFF\u2060")).contains("no visible");
        assertThat(ChatText.check("\u3164")).contains("no visible"); // Hangul filler
        assertThat(ChatText.check("\u115F\u1160\uFFA0")).contains("no visible");
        assertThat(ChatText.check("\u2800\u2800")).contains("no visible"); // braille blank
        assertThat(ChatText.check("   ")).contains("no visible");
        assertThat(ChatText.check("\u00A0\u3000\u2003")).contains("no visible"); // NBSP, ideographic, em space
        assertThat(ChatText.check("\n\n")).contains("no visible");
        assertThat(ChatText.check("\u00AD\uFE0F")).contains("no visible"); // soft hyphen, variation selector
        assertThat(ChatText.check("\u200Bx")).isNull(); // invisible characters beside visible ones are allowed
        assertThat(ChatText.check("\u2800⠁")).isNull(); // braille that is not blank
    }
}
