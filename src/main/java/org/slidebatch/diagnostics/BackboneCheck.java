package org.slidebatch.diagnostics;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.slidebatch.model.SafeTensors;

/**
 * Gate G4 (NB06C "backbone trained"): does the pretrained ConvNeXt backbone differ from the one training started
 * from? NB06C compares tensor L2 norms, not elements: a tensor is changed when
 * {@code |‖w‖₂ − ‖w_ref‖₂| / max(‖w_ref‖₂, 1e-6) > 1e-4}; TRAINED when more than half of the compared tensors
 * changed, else LIKELY_FROZEN (a FAIL). When it cannot be judged (no backbone checkpoint, no reference), it is a WARN
 * with a note. Tensors are compared by our (timm) parameter names, so torchvision- and timm-named files mix.
 */
public record BackboneCheck(boolean available, Path checkpoint, String reference, int compared, int changed,
                            double meanRelChange, double maxRelChange, String verdict, String note) {

    public static final String GATE = "G4_backbone_trained";
    public static final double CHANGED_ABOVE = 1e-4;
    public static final String TRAINED = "TRAINED";
    public static final String LIKELY_FROZEN = "LIKELY_FROZEN";

    public static BackboneCheck unavailable(String note) {
        return new BackboneCheck(false, null, null, 0, 0, Double.NaN, Double.NaN, null, note);
    }

    /** Compares every tensor of {@code trained} that the reference also has. */
    public static BackboneCheck compare(Path checkpoint, Map<String, SafeTensors.Tensor> trained, String reference,
                                        Map<String, SafeTensors.Tensor> referenceTensors) {
        int compared = 0;
        int changed = 0;
        double sum = 0;
        double max = 0;
        for (Map.Entry<String, SafeTensors.Tensor> e : trained.entrySet()) {
            SafeTensors.Tensor ref = referenceTensors.get(e.getKey());
            if (ref == null) {
                continue;
            }
            double nw = l2(e.getValue().data());
            double nr = l2(ref.data());
            double rel = Math.abs(nw - nr) / Math.max(nr, 1e-6);
            compared++;
            if (rel > CHANGED_ABOVE) {
                changed++;
            }
            sum += rel;
            max = Math.max(max, rel);
        }
        if (compared == 0) {
            return new BackboneCheck(false, checkpoint, reference, 0, 0, Double.NaN, Double.NaN, null,
                "no tensor of " + checkpoint.getFileName() + " has a counterpart in the reference");
        }
        String verdict = changed > 0.5 * compared ? TRAINED : LIKELY_FROZEN;
        return new BackboneCheck(true, checkpoint, reference, compared, changed, sum / compared, max, verdict, null);
    }

    static double l2(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    public Gate gate() {
        if (!available) {
            return new Gate(GATE, GateStatus.WARN, "backbone check unavailable: " + note, null);
        }
        String detail = String.format(Locale.ROOT,
            "%s: %d of %d tensors changed their L2 norm by more than 1e-4 relative to %s (mean %.3g, max %.3g)",
            verdict, changed, compared, reference, meanRelChange, maxRelChange);
        return new Gate(GATE, TRAINED.equals(verdict) ? GateStatus.PASS : GateStatus.FAIL, detail,
            (double) changed / compared);
    }
}
