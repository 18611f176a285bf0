package org.slidebatch.report;

import org.slidebatch.batch.Params;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the report step: {@code dpi} (PNG resolution, 72–1200; NB13 saves at 300) and
 * {@code embedding_tag} (which {@code embeddings/<tag>/} the embedding map draws; default: the only tag present).
 */
public record ReportParameters(int dpi, String embeddingTag) {

    public static final int DEFAULT_DPI = 300;

    public static ReportParameters from(JobParameters p) {
        long dpi = Params.longValue(p, "dpi", DEFAULT_DPI);
        if (dpi < 72 || dpi > 1200) {
            throw new IllegalArgumentException("dpi must be between 72 and 1200, got " + dpi);
        }
        String tag = Params.string(p, "embedding_tag", null);
        if (tag != null && (tag.isBlank() || tag.contains("/") || tag.contains("\\") || tag.startsWith("."))) {
            throw new IllegalArgumentException("embedding_tag must be a folder name under embeddings/, got '" + tag + "'");
        }
        return new ReportParameters((int) dpi, tag);
    }
}
