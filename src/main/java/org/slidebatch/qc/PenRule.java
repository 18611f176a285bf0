package org.slidebatch.qc;

import java.util.List;

/**
 * Named pen-ink detectors on Pillow HSV (all channels 0-255; hue h maps to h/255·360°). Each rule is a union of
 * inclusive H/S/V boxes, evaluated with OpenCV {@code inRange}. The QC step's {@code pen_rules} unites rules into
 * the mask behind {@code pen_pct} (exclusion rule {@code pen > max_pen_pct}); its default is the ink colours
 * {@link #GREEN}, {@link #BLUE}, {@link #BLACK}, because {@link #OPENSLIDEFM} also counts eosin-rich tissue as ink
 * (0.28 and 0.45 of the thumbnail on the two real H&amp;E test slides). Thresholds of the ink rules are our choice
 * (the usual pen-filter heuristics, tuned to avoid H&amp;E stain colours):
 * <ul>
 *   <li>{@link #OPENSLIDEFM} — OpenSlideFM NB03: {@code H ∈ [170, 255] ∧ S ≥ 60} (240°–360°: blue through
 *       magenta to red; strongly eosinophilic pink tissue can match).</li>
 *   <li>{@link #GREEN} — {@code H ∈ [43, 128] ∧ S ≥ 60 ∧ V ≥ 40} (≈60°–180°, yellow-green to cyan; H&amp;E has
 *       no green, V ≥ 40 drops near-black pixels whose hue is noise).</li>
 *   <li>{@link #BLUE} — {@code H ∈ [128, 170] ∧ S ≥ 100 ∧ V ≥ 40} (≈180°–240°, cyan-blue to blue; stops below
 *       haematoxylin's blue-purple, ≈250°–300°, and requires strong saturation).</li>
 *   <li>{@link #RED} — {@code (H ≤ 10 ∨ H ≥ 245) ∧ S ≥ 150 ∧ V ≥ 60} (within ≈14° of pure red and highly
 *       saturated; eosin pink sits at ≈320°–345° with S well below 150).</li>
 *   <li>{@link #BLACK} — {@code max(R, G, B) ≤ 60}, i.e. {@code V ≤ 60} at any hue/saturation (black or very
 *       dark ink; tissue at thumbnail scale is rarely that dark).</li>
 * </ul>
 */
public enum PenRule {
    OPENSLIDEFM(List.of(new Box(170, 255, 60, 255, 0, 255))),
    GREEN(List.of(new Box(43, 128, 60, 255, 40, 255))),
    BLUE(List.of(new Box(128, 170, 100, 255, 40, 255))),
    RED(List.of(new Box(0, 10, 150, 255, 60, 255), new Box(245, 255, 150, 255, 60, 255))),
    BLACK(List.of(new Box(0, 255, 0, 255, 0, 60)));

    /** Inclusive bounds on Pillow H, S, V (0-255). */
    public record Box(int hMin, int hMax, int sMin, int sMax, int vMin, int vMax) {
        public boolean contains(int h, int s, int v) {
            return h >= hMin && h <= hMax && s >= sMin && s <= sMax && v >= vMin && v <= vMax;
        }
    }

    private final List<Box> boxes;

    PenRule(List<Box> boxes) {
        this.boxes = boxes;
    }

    public List<Box> boxes() {
        return boxes;
    }

    /** Whether one Pillow-HSV pixel counts as ink under this rule (reference for tests and single pixels). */
    public boolean matches(int h, int s, int v) {
        for (Box b : boxes) {
            if (b.contains(h, s, v)) {
                return true;
            }
        }
        return false;
    }
}
