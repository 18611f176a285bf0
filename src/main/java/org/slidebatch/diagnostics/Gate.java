package org.slidebatch.diagnostics;

/**
 * One gate's outcome: {@code name} as NB06C names it ({@code G1_2scale_coverage} …), the verdict, a sentence
 * that says why, and the number it was judged on (null where there is none).
 */
public record Gate(String name, GateStatus status, String detail, Double value) {

    public String consoleLine() {
        return status.tag() + " " + name + ": " + detail;
    }
}
