package io.dtrexporter.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The known flag an unknown one was probably meant to be: a typo ({@code --log-level}), a part of
 * the name ({@code --config}, {@code --listen-address}), or Go's single dash ({@code -config.file}).
 * Only a close match is suggested: a wrong guess would mislead more than none.
 */
final class FlagSuggestion {
    /** Typos this far away (insertions, deletions, substitutions) still count as close. */
    private static final int MAX_TYPOS = 2;
    /** A shorter fragment (--a) would match too many names to mean one. */
    private static final int MIN_FRAGMENT = 3;

    private FlagSuggestion() {
    }

    /** The nearest of {@code known}, first in their order among equals; empty when none is close. */
    static Optional<String> nearest(String unknown, List<String> known) {
        return known.stream()
                .filter(name -> isPartOf(unknown, name) || distance(unknown, name) <= MAX_TYPOS)
                .min(Comparator.comparingInt(name -> distance(unknown, name)));
    }

    /** config in config.file, listen-address in web.listen-address: a whole word or more of the name. */
    private static boolean isPartOf(String fragment, String name) {
        if (fragment.length() < MIN_FRAGMENT) {
            return false;
        }
        for (int at = name.indexOf(fragment); at >= 0; at = name.indexOf(fragment, at + 1)) {
            if (at == 0 || name.charAt(at - 1) == '.' || name.charAt(at - 1) == '-') {
                return true;
            }
        }
        return false;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
