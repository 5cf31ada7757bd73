package dev.parley.fuzz;

/**
 * How long each fuzz target runs in fuzzing mode ({@code mvn -Pfuzz}, see docs/fuzzing.md).
 * Jazzer reads the bound only from the {@code @FuzzTest} annotation, so this is the one place
 * to change it; in the normal suite the targets only replay their corpus and this is unused.
 */
final class FuzzBudget {

    static final String MAX_DURATION = "2m";

    private FuzzBudget() {
    }
}
