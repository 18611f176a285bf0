package org.slidebatch.cli;

import java.util.Optional;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.store.PassportStore;

/** Is the process that owns a job execution still alive? (Answerable only on the same host.) */
final class ExecutionOwners {

    enum Liveness { ALIVE, DEAD, OTHER_HOST, UNKNOWN }

    private ExecutionOwners() {
    }

    static Liveness liveness(Optional<PassportStore.ExecutionOwner> owner) {
        if (owner.isEmpty()) {
            return Liveness.UNKNOWN;
        }
        if (!owner.get().host().equals(HostFacts.current().host())) {
            return Liveness.OTHER_HOST;
        }
        long pid = owner.get().pid();
        if (pid == ProcessHandle.current().pid()) {
            return Liveness.DEAD; // this CLI process just started: the recorded owner was an earlier JVM with our pid
        }
        java.time.Instant recordedStart = owner.get().processStartedAt();
        return ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            // A recycled pid belongs to another process: the recorded start time tells them apart (to the second: the
            // column may round); for owners recorded without it, only a JVM running slidebatch counts.
            .filter(p -> recordedStart == null
                ? p.info().commandLine().map(c -> c.contains("slidebatch")).orElse(true)
                : p.info().startInstant().map(s -> Math.abs(s.getEpochSecond() - recordedStart.getEpochSecond()) <= 1).orElse(true))
            .map(p -> Liveness.ALIVE).orElse(Liveness.DEAD);
    }

    /**
     * The owner of an execution, or (when a kill came between its creation and the owner row) what the claims on its
     * job instance prove: every claimer on this host gone means the owner is gone.
     */
    static Liveness liveness(Optional<PassportStore.ExecutionOwner> owner, java.util.List<PassportStore.ExecutionOwner> claims) {
        if (owner.isPresent() || claims.isEmpty()) {
            return liveness(owner);
        }
        Liveness worst = Liveness.DEAD;
        for (PassportStore.ExecutionOwner c : claims) {
            Liveness l = liveness(Optional.of(c));
            if (l == Liveness.ALIVE) {
                return Liveness.ALIVE;
            }
            if (l == Liveness.OTHER_HOST) {
                worst = Liveness.OTHER_HOST;
            }
        }
        return worst;
    }

    static String describe(Optional<PassportStore.ExecutionOwner> owner) {
        return owner.map(o -> "pid " + o.pid() + " on " + o.host()).orElse("an unknown process");
    }
}
