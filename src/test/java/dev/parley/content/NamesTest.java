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
}
