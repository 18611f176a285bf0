package org.slidebatch.diagnostics;

import java.util.List;
import java.util.Locale;

/**
 * Whether a gate stops the job ({@code fail_on}): {@code never} (NB06C: report only, the default), {@code fail} (a FAIL
 * stops it), {@code warn} (a WARN or a FAIL stops it).
 */
public enum FailOn {
    NEVER, FAIL, WARN;

    public static FailOn parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fail_on must be never, fail or warn, got '" + s + "'");
        }
    }

    /** The gates that stop the job under this setting (empty: the job goes on). */
    public List<Gate> stopping(List<Gate> gates) {
        return gates.stream().filter(g -> switch (this) {
            case NEVER -> false;
            case FAIL -> g.status() == GateStatus.FAIL;
            case WARN -> g.status() != GateStatus.PASS;
        }).toList();
    }
}
