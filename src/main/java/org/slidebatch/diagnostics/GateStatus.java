package org.slidebatch.diagnostics;

/** A gate's verdict, with NB06C's console tag. */
public enum GateStatus {
    PASS("[ OK ]"), WARN("[WARN]"), FAIL("[FAIL]");

    private final String tag;

    GateStatus(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
