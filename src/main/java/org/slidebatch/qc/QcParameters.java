package org.slidebatch.qc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.slidebatch.batch.StageParameters;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the {@code qc} step (OpenSlideFM NB03's names): the four thresholds and {@code pen_rules}
 * (comma-separated {@link PenRule} names whose masks are united; default the ink colours
 * {@value QcStepConfiguration#DEFAULT_PEN_RULES}; {@code openslidefm} is OpenSlideFM's hue window, which also counts
 * strongly eosinophilic tissue as ink and excludes ordinary H&amp;E slides).
 */
public record QcParameters(QcThresholds thresholds, List<PenRule> penRules, String penRulesText) {

    public static final Set<String> NAMES = Set.of("min_tissue_pct", "max_white_pct", "min_blur_var", "max_pen_pct", "pen_rules");
    public static final StageParameters<QcParameters> SPEC = StageParameters.of("qc", NAMES, QcParameters::from);

    public static QcParameters from(JobParameters p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : List.of("min_tissue_pct", "max_white_pct", "min_blur_var", "max_pen_pct")) {
            String v = p.getString(k);
            if (v != null) {
                m.put(k, v);
            }
        }
        String raw = p.getString("pen_rules", QcStepConfiguration.DEFAULT_PEN_RULES);
        List<PenRule> rules = new ArrayList<>();
        for (String name : raw.split(",")) {
            String n = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            try {
                rules.add(PenRule.valueOf(n));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pen_rules: unknown rule '" + name.trim() + "' (rules: "
                    + java.util.Arrays.stream(PenRule.values()).map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).toList() + ")");
            }
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("pen_rules must name at least one rule");
        }
        return new QcParameters(QcThresholds.fromMap(m), List.copyOf(rules), raw);
    }
}
