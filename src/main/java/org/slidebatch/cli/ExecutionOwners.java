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
        return ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            // A recycled pid belongs to some other program: only a JVM running slidebatch counts.
            .filter(p -> p.info().commandLine().map(c -> c.contains("slidebatch")).orElse(true))
            .map(p -> Liveness.ALIVE).orElse(Liveness.DEAD);
    }

    static String describe(Optional<PassportStore.ExecutionOwner> owner) {
        return owner.map(o -> "pid " + o.pid() + " on " + o.host()).orElse("an unknown process");
    }
}
