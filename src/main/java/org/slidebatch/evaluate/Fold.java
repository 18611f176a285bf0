package org.slidebatch.evaluate;

/** One split: row indices (ascending) used to fit and to test. {@code name} is e.g. "0" or "CEN3". */
public record Fold(int index, String name, int[] train, int[] test) {
}
