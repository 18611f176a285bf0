package org.slidebatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.slidebatch.batch.HostFacts;
import org.slidebatch.store.PassportStore.ExecutionOwner;

/** A live pid counts as the owner only if the process also started when the owner did (pids are recycled). */
class ExecutionOwnersTest {

    @Test
    void aRecycledPidIsToldApartByTheProcessStartTime() {
        ProcessHandle live = ProcessHandle.current().parent().orElseThrow();
        Instant started = live.info().startInstant().orElseThrow();
        String host = HostFacts.current().host();
        assertThat(ExecutionOwners.liveness(Optional.of(new ExecutionOwner(1, host, live.pid(), started))))
            .isEqualTo(ExecutionOwners.Liveness.ALIVE);
        assertThat(ExecutionOwners.liveness(Optional.of(new ExecutionOwner(1, host, live.pid(), started.minusSeconds(3600)))))
            .isEqualTo(ExecutionOwners.Liveness.DEAD);
        assertThat(ExecutionOwners.liveness(Optional.of(new ExecutionOwner(1, "elsewhere", live.pid(), started))))
            .isEqualTo(ExecutionOwners.Liveness.OTHER_HOST);
        assertThat(ExecutionOwners.liveness(Optional.empty())).isEqualTo(ExecutionOwners.Liveness.UNKNOWN);
        // No owner row (a kill right after the execution was created): the claims on its instance decide.
        ExecutionOwner gone = new ExecutionOwner(1, host, live.pid(), started.minusSeconds(3600));
        ExecutionOwner running = new ExecutionOwner(1, host, live.pid(), started);
        assertThat(ExecutionOwners.liveness(Optional.empty(), java.util.List.of(gone))).isEqualTo(ExecutionOwners.Liveness.DEAD);
        assertThat(ExecutionOwners.liveness(Optional.empty(), java.util.List.of(gone, running)))
            .isEqualTo(ExecutionOwners.Liveness.ALIVE);
        assertThat(ExecutionOwners.liveness(Optional.empty(), java.util.List.of())).isEqualTo(ExecutionOwners.Liveness.UNKNOWN);
    }
}
