package dev.parley.loadgen;

import java.util.concurrent.atomic.AtomicReferenceArray;

/** The phases of a run by id, so a delivery's {@code client_msg_id} leads to its schedule. */
final class PhaseTable {

    private final AtomicReferenceArray<Phase> phases = new AtomicReferenceArray<>(MsgIds.MAX_PHASE + 1);

    void put(Phase phase) {
        phases.set(phase.id(), phase);
    }

    /** The phase, or null for an id this run never used. */
    Phase get(int id) {
        return phases.get(id);
    }
}
