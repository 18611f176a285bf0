package org.slidebatch.store;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Per-slide results of the QC and tissue stages. Writes join the caller's (chunk) transaction. */
public class StageResultStore {

    private final JdbcClient jdbc;

    public StageResultStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public void saveQc(QcRow r) {
        jdbc.sql("DELETE FROM qc_metrics WHERE slide_id = ?").param(r.slideId()).update();
        jdbc.sql("""
                INSERT INTO qc_metrics (slide_id, fingerprint, thumb_width, thumb_height, tissue_pct, white_pct, pen_pct,
                  blur_var, brightness_mean, saturation_mean, excluded, reasons, thresholds, overlay_path,
                  job_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.fingerprint(), r.thumbWidth(), r.thumbHeight(), r.tissuePct(), r.whitePct(), r.penPct(),
                r.blurVar(), r.brightnessMean(), r.saturationMean(), r.excluded(), r.reasons(), r.thresholds(),
                r.overlayPath(), r.jobExecutionId(), SlideStore.ts(r.recordedAt()))
            .update();
    }

    public List<QcRow> findQc(List<String> slideIds) {
        return jdbc.sql("SELECT * FROM qc_metrics ORDER BY slide_id")
            .query((rs, i) -> new QcRow(rs.getString("slide_id"), rs.getString("fingerprint"), rs.getInt("thumb_width"),
                rs.getInt("thumb_height"), rs.getDouble("tissue_pct"), rs.getDouble("white_pct"), rs.getDouble("pen_pct"),
                rs.getDouble("blur_var"), rs.getDouble("brightness_mean"), rs.getDouble("saturation_mean"),
                rs.getBoolean("excluded"), rs.getString("reasons"), rs.getString("thresholds"), rs.getString("overlay_path"),
                SlideStore.nullableLong(rs, "job_execution_id"), SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list().stream().filter(r -> slideIds == null || slideIds.contains(r.slideId())).toList();
    }

    public void saveTissue(TissueRow r) {
        jdbc.sql("DELETE FROM tissue_segmentation WHERE slide_id = ?").param(r.slideId()).update();
        jdbc.sql("""
                INSERT INTO tissue_segmentation (slide_id, fingerprint, preset, parameters, seg_level, seg_downsample_x,
                  seg_downsample_y, contour_count, hole_count, tissue_area_level0, tissue_fraction, geojson_path, mask_path,
                  seconds, job_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.fingerprint(), r.preset(), r.parameters(), r.segLevel(), r.segDownsampleX(),
                r.segDownsampleY(), r.contourCount(), r.holeCount(), r.tissueAreaLevel0(), r.tissueFraction(),
                r.geojsonPath(), r.maskPath(), r.seconds(), r.jobExecutionId(), SlideStore.ts(r.recordedAt()))
            .update();
    }

    public List<TissueRow> findTissue() {
        return jdbc.sql("SELECT * FROM tissue_segmentation ORDER BY slide_id")
            .query((rs, i) -> new TissueRow(rs.getString("slide_id"), rs.getString("fingerprint"), rs.getString("preset"),
                rs.getString("parameters"), rs.getInt("seg_level"), rs.getDouble("seg_downsample_x"),
                rs.getDouble("seg_downsample_y"), rs.getInt("contour_count"), rs.getInt("hole_count"),
                rs.getDouble("tissue_area_level0"), rs.getDouble("tissue_fraction"), rs.getString("geojson_path"),
                rs.getString("mask_path"), rs.getDouble("seconds"), SlideStore.nullableLong(rs, "job_execution_id"),
                SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }
}
