package dev.parley.content;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.SpoofChecker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A list of blocked words and the check of a chat text against it. Immutable and safe on any
 * thread; {@link BlockedWords} holds the current one and swaps it on reload.
 *
 * <p>Matching is by <b>whole word</b>: the text is split into words with ICU's word break rules
 * (UAX #29, so it works for scripts without spaces too), and a word matches when one of its
 * keys equals one of a blocked word's keys. The keys make the match insensitive to
 * <ul>
 *   <li><b>case</b> and <b>compatibility forms</b> (full-width letters, ligatures): the word is
 *       NFKC-normalised and case-folded first;</li>
 *   <li><b>confusables</b> (Cyrillic "а" for Latin "a", and so on): the UTS #39 skeleton of that
 *       form is the first key, and {@link Names#skeleton} (which also maps capital I to l) the
 *       second.</li>
 * </ul>
 * What it does not catch, on purpose: a blocked word inside a longer word ("class" does not
 * match "ass"), letters spread over several words ("b a d"), and digit-for-letter spellings
 * that Unicode does not list as confusable ("b4d"). A list of phrases would need a different
 * matcher; each line of the file is one word.
 */
public final class WordFilter {

    /** The most words a list may hold: the keys stay in memory and every chat is checked. */
    public static final int MAX_WORDS = 10_000;
    /** The longest blocked word, in code points. */
    public static final int MAX_WORD_LENGTH = 64;
    /** What replaces each code point of a matched word when masking. */
    public static final char MASK = '*';

    private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
    private static final BreakIterator WORDS = BreakIterator.getWordInstance(Locale.ROOT);
    /** BreakIterator is stateful; one clone per thread (event loops) avoids a clone per message. */
    private static final ThreadLocal<BreakIterator> PER_THREAD = ThreadLocal.withInitial(() -> (BreakIterator) WORDS.clone());

    /** A filter that matches nothing. */
    public static final WordFilter NONE = new WordFilter(Set.of(), 0);

    private final Set<String> keys;
    private final int words;

    private WordFilter(Set<String> keys, int words) {
        this.keys = keys;
        this.words = words;
    }

    /**
     * A filter for {@code words}; blank entries are ignored.
     *
     * @throws IllegalArgumentException naming the first entry that is too long or has more than
     *                                  one word, or when there are more than {@link #MAX_WORDS}
     */
    public static WordFilter of(Collection<String> words) {
        Set<String> keys = new HashSet<>();
        int n = 0;
        for (String raw : words) {
            String word = raw.strip();
            if (word.isEmpty()) {
                continue;
            }
            if (++n > MAX_WORDS) {
                throw new IllegalArgumentException("more than " + MAX_WORDS + " blocked words");
            }
            if (word.codePointCount(0, word.length()) > MAX_WORD_LENGTH) {
                throw new IllegalArgumentException("blocked word '" + word + "' is longer than " + MAX_WORD_LENGTH + " characters");
            }
            if (wordSpans(word).size() != 1) {
                throw new IllegalArgumentException("blocked word '" + word + "' is not a single word; list one word per line");
            }
            keys.addAll(keysOf(word));
        }
        return new WordFilter(Set.copyOf(keys), n);
    }

    /** How many words the list holds. */
    public int size() {
        return words;
    }

    /** Whether {@code text} contains a blocked word. */
    public boolean matches(String text) {
        if (words == 0) {
            return false;
        }
        for (int[] span : wordSpans(text)) {
            if (isBlocked(text.substring(span[0], span[1]))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code text} with each blocked word's code points replaced by {@link #MASK}, or the same
     * instance when nothing matched (callers test with {@code ==}).
     */
    public String mask(String text) {
        if (words == 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        for (int[] span : wordSpans(text)) {
            if (!isBlocked(text.substring(span[0], span[1]))) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, span[0]);
            out.append(String.valueOf(MASK).repeat(text.codePointCount(span[0], span[1])));
            copied = span[1];
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private boolean isBlocked(String word) {
        for (String key : keysOf(word)) {
            if (keys.contains(key)) {
                return true;
            }
        }
        return false;
    }

    /** The keys a word is matched by; see the class comment. */
    static List<String> keysOf(String word) {
        String folded = UCharacter.foldCase(Names.normalise(word), UCharacter.FOLD_CASE_DEFAULT);
        String first = UCharacter.foldCase(SPOOF.getSkeleton(folded), UCharacter.FOLD_CASE_DEFAULT);
        String second = Names.skeleton(word);
        return first.equals(second) ? List.of(first) : List.of(first, second);
    }

    /** [start, end) of each word (letters, digits, ideographs) of {@code text}; no spaces or punctuation. */
    static List<int[]> wordSpans(String text) {
        BreakIterator it = PER_THREAD.get();
        it.setText(text);
        List<int[]> spans = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            if (it.getRuleStatus() != BreakIterator.WORD_NONE) {
                spans.add(new int[]{start, end});
            }
        }
        return spans;
    }
}
