package dev.parley.loadgen;

/** Told when the measured part of a phase starts and ends (e.g. to sample server CPU). */
public interface PhaseListener {

    PhaseListener NONE = new PhaseListener() {
    };

    default void measureStarted() {
    }

    default void measureEnded() {
    }
}
