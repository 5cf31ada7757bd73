package dev.parley.content;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordFilterTest {

    private final WordFilter filter = WordFilter.of(List.of("darn", "heck", "Ｆｒｅｅｂｉｅ"));

    @Test
    void masksWholeWordsKeepingEverythingElse() {
        assertThat(filter.mask("well darn it, heck!")).isEqualTo("well **** it, ****!");
        assertThat(filter.mask("darn")).isEqualTo("****");
    }

    @Test
    void leavesCleanTextAsTheSameInstance() {
        String clean = "good game, well played";
        assertThat(filter.mask(clean)).isSameAs(clean);
        assertThat(filter.matches(clean)).isFalse();
    }

    @Test
    void matchesOnlyWholeWords() {
        assertThat(filter.matches("darning socks")).isFalse();
        assertThat(filter.matches("checkmate")).isFalse();
        assertThat(filter.mask("darn-it")).isEqualTo("****-it");
    }

    @Test
    void ignoresCaseAndCompatibilityForms() {
        assertThat(filter.mask("DARN")).isEqualTo("****");
        assertThat(filter.mask("ｄａｒｎ")).isEqualTo("****");        // full-width
        assertThat(filter.mask("freebie now")).isEqualTo("******* now"); // listed in full-width, typed plain
    }

    @Test
    void catchesConfusableSpellings() {
        String cyrillic = "hесk";  // Cyrillic е (U+0435) and с (U+0441)
        assertThat(cyrillic).isNotEqualTo("heck");
        assertThat(filter.mask("oh " + cyrillic)).isEqualTo("oh ****");
        assertThat(filter.matches("DАRN")).isTrue(); // Cyrillic capital А
    }

    @Test
    void masksEveryCodePointOnce() {
        WordFilter emoji = WordFilter.of(List.of("𝐛𝐚𝐝")); // mathematical bold, outside the BMP
        assertThat(emoji.mask("so bad")).isEqualTo("so ***");
    }

    @Test
    void refusesListsItCannotMatch() {
        assertThatThrownBy(() -> WordFilter.of(List.of("two words")))
                .hasMessageContaining("not a single word");
        assertThatThrownBy(() -> WordFilter.of(List.of("x".repeat(WordFilter.MAX_WORD_LENGTH + 1))))
                .hasMessageContaining("longer than");
    }

    @Test
    void blockedWordsMaskOrRefuseAndCount(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("words.txt");
        Files.writeString(file, "# comment\n\ndarn\n");
        BlockedWords mask = BlockedWords.load(file, BlockedWords.Mode.MASK);
        assertThat(mask.apply("darn it").text()).isEqualTo("**** it");
        assertThat(mask.apply("fine").text()).isEqualTo("fine");
        assertThat(mask.caught()).isEqualTo(1);

        BlockedWords refuse = BlockedWords.load(file, BlockedWords.Mode.REFUSE);
        BlockedWords.Outcome refused = refuse.apply("DARN it");
        assertThat(refused.refused()).isTrue();
        assertThat(refused.refusal()).contains("blocked word");
        assertThat(refuse.apply("fine").refused()).isFalse();
        assertThat(refuse.caught()).isEqualTo(1);
    }

    @Test
    void reloadSwapsTheListAndKeepsTheOldOneOnABadFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("words.txt");
        Files.writeString(file, "darn\n");
        BlockedWords words = BlockedWords.load(file, BlockedWords.Mode.MASK);
        Files.writeString(file, "heck\n");
        assertThat(words.reload()).isEqualTo(1);
        assertThat(words.apply("darn heck").text()).isEqualTo("darn ****");

        Files.writeString(file, "two words\n");
        assertThatThrownBy(words::reload).hasMessageContaining("not a single word");
        assertThat(words.apply("heck").text()).isEqualTo("****");
    }

    @Test
    void offCostsNothingAndCannotReload() {
        assertThat(BlockedWords.OFF.apply("darn").text()).isEqualTo("darn");
        assertThatThrownBy(BlockedWords.OFF::reload).hasMessageContaining("no --blocked-words-file");
    }
}
