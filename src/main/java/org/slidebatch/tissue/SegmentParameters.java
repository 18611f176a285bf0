package org.slidebatch.tissue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.slidebatch.batch.StageParameters;
import org.slidebatch.qc.QcPolicy;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the {@code segment} step: {@code preset} (default: CLAM's create_patches_fp.py defaults), CLAM's own
 * names as overrides ({@link ClamSegmentationParams#KEYS}), and {@code qc_policy} (default strict: QC-excluded slides
 * are skipped; see {@link QcPolicy}).
 */
public record SegmentParameters(String preset, ClamSegmentationParams clam, QcPolicy qcPolicy) {

    public static final Set<String> NAMES;

    static {
        Set<String> n = new HashSet<>(ClamSegmentationParams.KEYS);
        n.addAll(Set.of("preset", QcPolicy.NAME, QcPolicy.LEGACY_NAME));
        NAMES = Set.copyOf(n);
    }

    public static final StageParameters<SegmentParameters> SPEC = StageParameters.of("segment", NAMES, SegmentParameters::from);

    public static SegmentParameters from(JobParameters p) {
        String preset = p.getString("preset") == null ? ClamPresets.DEFAULT : p.getString("preset");
        Map<String, String> overrides = new LinkedHashMap<>();
        for (JobParameter<?> jp : p.parameters()) {
            if (ClamSegmentationParams.KEYS.contains(jp.name())) {
                overrides.put(jp.name(), String.valueOf(jp.value()));
            }
        }
        return new SegmentParameters(preset, ClamPresets.resolve(p.getString("preset"), overrides),
            QcPolicy.from(p, QcPolicy.STRICT));
    }
}
