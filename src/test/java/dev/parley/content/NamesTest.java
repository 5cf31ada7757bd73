package dev.parley.content;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {
    @Test
    void playerNamesAreOneToThirtyTwoCharacters() {
        assertThat(Names.checkPlayerName("a")).isNull();
        assertThat(Names.checkPlayerName("x".repeat(32))).isNull();
        assertThat(Names.checkPlayerName("")).contains("1-32");
        assertThat(Names.checkPlayerName("x".repeat(33))).contains("1-32");
    }

    @Test
    void charactersAreCountedNotBytesOrUtf16Units() {
        assertThat(Names.checkPlayerName("가".repeat(32))).isNull();
        assertThat(Names.checkPlayerName("😀".repeat(32))).isNull(); // 64 UTF-16 units
        assertThat(Names.checkPlayerName("😀".repeat(33))).isNotNull();
    }

    @Test
    void controlAndInvisibleFormatCharactersAreRefused() {
        assertThat(Names.checkPlayerName("a\nb")).contains("control");
        assertThat(Names.checkPlayerName("a\u0000")).contains("control");
        assertThat(Names.checkPlayerName("a\u202eb")).contains("control"); // right-to-left override
        assertThat(Names.checkPlayerName("Player One")).isNull();
    }

    @Test
    void surroundingWhiteSpaceIsRefused() {
        assertThat(Names.checkPlayerName(" bob")).contains("white space");
        assertThat(Names.checkPlayerName("bob ")).contains("white space");
        assertThat(Names.checkPlayerName("   ")).isNotNull();
    }

    @Test
    void passwordsMayNotBeEmpty() {
        assertThat(Names.checkPassword("")).isNotNull();
        assertThat(Names.checkPassword("p")).isNull();
        assertThat(Names.checkPassword("p".repeat(129))).isNotNull();
    }

    @Test
    void namesAreTakenInTheirNfkcForm() {
        assertThat(Names.normalise("Ａｌｉｃｅ")).isEqualTo("Alice"); // full-width
        assertThat(Names.normalise("ﬁsh")).isEqualTo("fish"); // ligature
        assertThat(Names.normalise("Player\u00A0One")).isEqualTo("Player One"); // no-break space
        assertThat(Names.checkPlayerName("Player\u00A0One")).isNull();
        // counted after normalising: one character that becomes four
        assertThat(Names.normalise("\u337F")).isEqualTo("株式会社");
        assertThat(Names.checkPlayerName("\u337F".repeat(9))).contains("1-32").contains("was 36");
    }

    @Test
    void invisibleCharactersAreRefused() {
        assertThat(Names.checkPlayerName("Alice\u200B")).contains("control or format").contains("U+200B");
        assertThat(Names.checkPlayerName("\u3164")).contains("invisible"); // the finding: Hangul filler
        assertThat(Names.checkPlayerName("Al\u3164ice")).contains("invisible");
        assertThat(Names.checkPlayerName("\u2800")).contains("invisible").contains("U+2800"); // braille blank
        assertThat(Names.checkPlayerName("a\u115Fb")).contains("invisible");
        assertThat(Names.checkPlayerName("a\u1160b")).contains("invisible");
        assertThat(Names.checkPlayerName("a\uFFA0b")).contains("invisible"); // half-width filler
        assertThat(Names.checkPlayerName("a\u034Fb")).contains("invisible"); // combining grapheme joiner
        assertThat(Names.checkPlayerName("❤\uFE0F")).contains("invisible"); // variation selector
        assertThat(Names.checkRoomName("\u3164")).contains("room name").contains("invisible");
    }

    @Test
    void privateUseAndUnassignedCodePointsAreRefused() {
        assertThat(Names.checkPlayerName("\uE000")).contains("private-use").contains("U+E000"); // the finding
        assertThat(Names.checkPlayerName("x\uDB80\uDC00")).contains("private-use"); // plane 15, U+F0000
        assertThat(Names.checkPlayerName("x\u0378")).contains("unassigned").contains("U+0378");
        assertThat(Names.checkRoomName("\uE000 lobby")).contains("private-use");
    }

    @Test
    void onlySingleSpacesInsideANameAreAllowed() {
        // the finding: a trailing no-break space looks exactly like the name without it
        assertThat(Names.checkPlayerName("Alice\u00A0")).contains("white space");
        assertThat(Names.checkPlayerName("\u3000Alice")).contains("white space"); // ideographic space
        assertThat(Names.checkPlayerName("Player  One")).contains("two spaces");
        assertThat(Names.checkPlayerName("Player\u1680One")).contains("white space").contains("U+1680");
        assertThat(Names.checkRoomName("Raid  Night")).contains("room name").contains("two spaces");
        assertThat(Names.checkRoomName("Raid Night")).isNull();
    }

    @Test
    void lookAlikeNamesShareASkeleton() {
        String alice = Names.skeleton("Alice");
        assertThat(Names.skeleton("\u0410lice")).isEqualTo(alice); // the finding: Cyrillic А
        assertThat(Names.skeleton("AIice")).isEqualTo(alice); // capital I for l
        assertThat(Names.skeleton("alice")).isEqualTo(alice);
        assertThat(Names.skeleton("Ａlice")).isEqualTo(alice); // full-width, via NFKC
        assertThat(Names.skeleton("b0b")).isEqualTo(Names.skeleton("bob"));
        assertThat(Names.skeleton("rn")).isEqualTo(Names.skeleton("m"));
        assertThat(Names.skeleton("Alicia")).isNotEqualTo(alice);
        assertThat(Names.skeleton("Bob")).isNotEqualTo(alice);
        // a Cyrillic look-alike is still a valid name; only its skeleton keeps it from registering
        assertThat(Names.checkPlayerName("\u0410lice")).isNull();
    }
}
