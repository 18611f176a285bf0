package org.slidebatch.store;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Per-slide results of the QC, tissue, tiling and feature stages. Kept per execution: every row names the job and step
 * execution that produced it; saving a slide's result marks its earlier rows not current instead of deleting them,
 * and the finders return the current rows. Writes join the caller's (chunk) transaction.
 */
public class StageResultStore {

    /** The execution a result row belongs to (the step's writer has it: {@code SlideOutputs}). */
    public record Run(long jobExecutionId, long stepExecutionId) {
        /** Rows saved by code that does not know its execution (the legacy SlideTask path). */
        public static final Run UNKNOWN = new Run(0, 0);
    }

    private final JdbcClient jdbc;

    public StageResultStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public void saveQc(QcRow r) {
        saveQc(r, r.jobExecutionId() == null ? Run.UNKNOWN : new Run(r.jobExecutionId(), 0));
    }

    public void saveQc(QcRow r, Run run) {
        supersede("qc_metrics", run, r.slideId());
        jdbc.sql("""
                INSERT INTO qc_metrics (slide_id, fingerprint, thumb_width, thumb_height, tissue_pct, white_pct, pen_pct,
                  blur_var, brightness_mean, saturation_mean, excluded, reasons, thresholds, overlay_path,
                  job_execution_id, step_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.fingerprint(), r.thumbWidth(), r.thumbHeight(), r.tissuePct(), r.whitePct(), r.penPct(),
                r.blurVar(), r.brightnessMean(), r.saturationMean(), r.excluded(), r.reasons(), r.thresholds(),
                r.overlayPath(), run.jobExecutionId(), run.stepExecutionId(), SlideStore.ts(r.recordedAt()))
            .update();
    }

    /**
     * Marks the slide's (and scale's) earlier rows not current, and removes a row of this same step execution (a slide
     * redone within one execution replaces its own row; other executions' rows are kept).
     */
    private void supersede(String table, Run run, String slideId, Object... scale) {
        String key = " WHERE slide_id = ?" + (scale.length > 0 ? " AND scale_um_per_px = ?" : "");
        Object[] args = scale.length > 0 ? new Object[] {slideId, scale[0]} : new Object[] {slideId};
        jdbc.sql("DELETE FROM " + table + key + " AND step_execution_id = ?").params(args).param(run.stepExecutionId()).update();
        jdbc.sql("UPDATE " + table + " SET is_current = FALSE" + key).params(args).update();
    }

    /** QC rows of these slides (all rows when null), by slide id. */
    public List<QcRow> findQc(List<String> slideIds) {
        // A set: a cohort of 20,000 slides would make List.contains quadratic here.
        java.util.Set<String> wanted = slideIds == null ? null : new java.util.HashSet<>(slideIds);
        return findQcWhere("").stream().filter(r -> wanted == null || wanted.contains(r.slideId())).toList();
    }

    public java.util.Optional<QcRow> findQc(String slideId) {
        return findQcWhere(" AND slide_id = ?", slideId).stream().findFirst();
    }

    private List<QcRow> findQcWhere(String where, Object... args) {
        return jdbc.sql("SELECT * FROM qc_metrics WHERE is_current = TRUE" + where + " ORDER BY slide_id").params(args)
            .query((rs, i) -> new QcRow(rs.getString("slide_id"), rs.getString("fingerprint"), rs.getInt("thumb_width"),
                rs.getInt("thumb_height"), rs.getDouble("tissue_pct"), rs.getDouble("white_pct"), rs.getDouble("pen_pct"),
                rs.getDouble("blur_var"), rs.getDouble("brightness_mean"), rs.getDouble("saturation_mean"),
                rs.getBoolean("excluded"), rs.getString("reasons"), rs.getString("thresholds"), rs.getString("overlay_path"),
                SlideStore.nullableLong(rs, "job_execution_id"), SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }

    public void saveTissue(TissueRow r) {
        saveTissue(r, r.jobExecutionId() == null ? Run.UNKNOWN : new Run(r.jobExecutionId(), 0));
    }

    public void saveTissue(TissueRow r, Run run) {
        supersede("tissue_segmentation", run, r.slideId());
        jdbc.sql("""
                INSERT INTO tissue_segmentation (slide_id, fingerprint, preset, parameters, seg_level, seg_downsample_x,
                  seg_downsample_y, contour_count, hole_count, tissue_area_level0, tissue_fraction, geojson_path, mask_path,
                  seconds, job_execution_id, step_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.fingerprint(), r.preset(), r.parameters(), r.segLevel(), r.segDownsampleX(),
                r.segDownsampleY(), r.contourCount(), r.holeCount(), r.tissueAreaLevel0(), r.tissueFraction(),
                r.geojsonPath(), r.maskPath(), r.seconds(), run.jobExecutionId(), run.stepExecutionId(),
                SlideStore.ts(r.recordedAt()))
            .update();
    }

    public List<TissueRow> findTissue() {
        return jdbc.sql("SELECT * FROM tissue_segmentation WHERE is_current = TRUE ORDER BY slide_id")
            .query((rs, i) -> new TissueRow(rs.getString("slide_id"), rs.getString("fingerprint"), rs.getString("preset"),
                rs.getString("parameters"), rs.getInt("seg_level"), rs.getDouble("seg_downsample_x"),
                rs.getDouble("seg_downsample_y"), rs.getInt("contour_count"), rs.getInt("hole_count"),
                rs.getDouble("tissue_area_level0"), rs.getDouble("tissue_fraction"), rs.getString("geojson_path"),
                rs.getString("mask_path"), rs.getDouble("seconds"), SlideStore.nullableLong(rs, "job_execution_id"),
                SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }

    public void saveTileSummary(TileSummaryRow r) {
        saveTileSummary(r, Run.UNKNOWN);
    }

    public void saveTileSummary(TileSummaryRow r, Run run) {
        supersede("tile_summary", run, r.slideId(), r.scaleUmPerPx());
        jdbc.sql("""
                INSERT INTO tile_summary (slide_id, scale_um_per_px, fingerprint, level, approx_mpp, candidates, tiles, seed,
                  path, job_execution_id, step_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.scaleUmPerPx(), r.fingerprint(), r.level(), r.approxMpp(), r.candidates(), r.tiles(),
                r.seed(), r.path(), run.jobExecutionId(), run.stepExecutionId(), SlideStore.ts(r.recordedAt()))
            .update();
    }

    public List<TileSummaryRow> findTileSummaries() {
        return jdbc.sql("SELECT * FROM tile_summary WHERE is_current = TRUE ORDER BY slide_id, scale_um_per_px")
            .query((rs, i) -> new TileSummaryRow(rs.getString("slide_id"), rs.getDouble("scale_um_per_px"),
                rs.getString("fingerprint"), rs.getInt("level"), rs.getDouble("approx_mpp"), rs.getInt("candidates"),
                rs.getInt("tiles"), rs.getLong("seed"), rs.getString("path"), SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }

    public void saveGridSummary(GridSummaryRow r) {
        saveGridSummary(r, Run.UNKNOWN);
    }

    public void saveGridSummary(GridSummaryRow r, Run run) {
        supersede("grid_summary", run, r.slideId());
        jdbc.sql("""
                INSERT INTO grid_summary (slide_id, fingerprint, patch_size, step_size, patch_level, contour_fn, use_padding,
                  patches, parquet_path, h5_path, job_execution_id, step_execution_id, recorded_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.fingerprint(), r.patchSize(), r.stepSize(), r.patchLevel(), r.contourFn(),
                r.usePadding(), r.patches(), r.parquetPath(), r.h5Path(), run.jobExecutionId(), run.stepExecutionId(),
                SlideStore.ts(r.recordedAt()))
            .update();
    }

    public List<GridSummaryRow> findGridSummaries() {
        return jdbc.sql("SELECT * FROM grid_summary WHERE is_current = TRUE ORDER BY slide_id")
            .query((rs, i) -> new GridSummaryRow(rs.getString("slide_id"), rs.getString("fingerprint"),
                rs.getInt("patch_size"), rs.getInt("step_size"), rs.getInt("patch_level"), rs.getString("contour_fn"),
                rs.getBoolean("use_padding"), rs.getInt("patches"), rs.getString("parquet_path"), rs.getString("h5_path"),
                SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }

    public void saveFeatureFile(FeatureFileRow r) {
        saveFeatureFile(r, Run.UNKNOWN);
    }

    public void saveFeatureFile(FeatureFileRow r, Run run) {
        supersede("feature_file", run, r.slideId(), r.scaleUmPerPx());
        jdbc.sql("""
                INSERT INTO feature_file (slide_id, scale_um_per_px, fingerprint, tiles, dim, dtype, features_path,
                  coords_path, weights, seconds, job_execution_id, step_execution_id, recorded_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.scaleUmPerPx(), r.fingerprint(), r.tiles(), r.dim(), r.dtype(), r.featuresPath(),
                r.coordsPath(), r.weights(), r.seconds(), run.jobExecutionId(), run.stepExecutionId(),
                SlideStore.ts(r.recordedAt()))
            .update();
    }

    public List<FeatureFileRow> findFeatureFiles() {
        return jdbc.sql("SELECT * FROM feature_file WHERE is_current = TRUE ORDER BY slide_id, scale_um_per_px")
            .query((rs, i) -> new FeatureFileRow(rs.getString("slide_id"), rs.getDouble("scale_um_per_px"),
                rs.getString("fingerprint"), rs.getInt("tiles"), rs.getInt("dim"), rs.getString("dtype"),
                rs.getString("features_path"), rs.getString("coords_path"), rs.getString("weights"),
                rs.getDouble("seconds"), SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }
}
