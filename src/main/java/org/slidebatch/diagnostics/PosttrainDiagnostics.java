package org.slidebatch.diagnostics;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.WeightsException;
import org.slidebatch.model.WeightsLoader;
import org.slidebatch.store.DiagnosticsStore.LoggedLoss;

/**
 * OpenSlideFM NB06C, the four post-pretraining gates, as one plain computation: G1 two-scale coverage, G2 loss
 * improvement (on the training-log rows), G3 checkpoints, G4 backbone trained. {@link Report#toJson()} gives
 * {@code posttrain_diagnostics.json} with NB06C's field names.
 */
public final class PosttrainDiagnostics {

    /** The backbone G4 compares with, loaded only when a backbone checkpoint exists. */
    public record Reference(String description, Supplier<WeightsLoader.Loaded> load) {
    }

    /** What the gates look at. {@code reference} is null when there is none, and {@code noReferenceNote} says why. */
    public record Inputs(Path workspace, Path fineFeatures, Path coarseFeatures, Path checkpoints, List<LoggedLoss> trainingLog,
                         Reference reference, String noReferenceNote, DiagnosticsParameters parameters) {
    }

    public record Report(Instant time, Path workspace, Long stepExecutionId, LossTrend loss, Coverage coverage,
                         CheckpointScan checkpoints, BackboneCheck backbone, List<Gate> gates) {

        public List<String> consoleLines() {
            return gates.stream().map(Gate::consoleLine).toList();
        }

        /** NB06C's JSON fields ({@code log_csv_exists} becomes {@code log_source}: we read the database). */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", time.toString());
            m.put("workspace", workspace.toString());
            m.put("step_execution_id", stepExecutionId);
            m.put("log_source", "database table training_log");
            m.put("log_rows", loss.logRows());
            m.put("steps_logged", loss.stepsLogged());
            m.put("loss_start_median", finite(loss.startMedian()));
            m.put("loss_end_median", finite(loss.endMedian()));
            m.put("loss_rel_improvement", finite(loss.relImprovement()));
            m.put("features_2scale_intersection", coverage.atBoth());
            m.put("checkpoint_count", checkpoints.count());
            List<Map<String, Object>> recent = new ArrayList<>();
            for (CheckpointScan.Checkpoint c : checkpoints.recent()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("file", c.file().toString());
                r.put("size_mb", c.sizeMb());
                r.put("sha256_12", c.sha256Short());
                r.put("sha256", c.sha256());
                r.put("load_ok", c.loadOk());
                if (c.loadOk()) {
                    Map<String, Object> meta = new LinkedHashMap<>();   // not Map.of: its order changes per JVM
                    meta.put("type", c.type());
                    meta.put("tensors", c.tensors());
                    meta.put("top_keys", c.topKeys());
                    r.put("meta", meta);
                } else {
                    r.put("error", c.error());
                }
                recent.add(r);
            }
            m.put("checkpoints_recent", recent);
            m.put("suggest_checkpoint", checkpoints.suggested() == null ? null : checkpoints.suggested().toString());
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("available", backbone.available());
            if (backbone.available()) {
                b.put("checkpoint", backbone.checkpoint().toString());
                b.put("reference", backbone.reference());
                b.put("n_params_compared", backbone.compared());
                b.put("n_params_changed", backbone.changed());
                b.put("mean_rel_change", backbone.meanRelChange());
                b.put("max_rel_change", backbone.maxRelChange());
                b.put("verdict", backbone.verdict());
            } else {
                b.put("note", backbone.note());
            }
            m.put("backbone_check", b);
            List<Map<String, Object>> g = new ArrayList<>();
            for (Gate gate : gates) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", gate.name());
                r.put("status", gate.status().name());
                r.put("detail", gate.detail());
                g.add(r);
            }
            m.put("gates", g);
            return m;
        }

        private static Double finite(double v) {
            return Double.isFinite(v) ? v : null;
        }
    }

    private PosttrainDiagnostics() {
    }

    public static Report run(Inputs in, Long stepExecutionId) {
        DiagnosticsParameters p = in.parameters();
        LossTrend loss = LossTrend.of(in.trainingLog());
        Coverage coverage = Coverage.count(in.fineFeatures(), in.coarseFeatures(), p.coveragePass(), p.coverageWarn());
        CheckpointScan scan = CheckpointScan.scan(in.checkpoints(), p.recentCheckpoints());
        BackboneCheck backbone = backbone(in);
        List<Gate> gates = List.of(coverage.gate(), loss.gate(), scan.gate(), backbone.gate());
        return new Report(Instant.now(), in.workspace(), stepExecutionId, loss, coverage, scan, backbone, gates);
    }

    /**
     * The newest safetensors file under the checkpoint folder whose name says it holds the student backbone
     * ({@code backbone} in the name, not {@code teacher}), against the reference.
     */
    static BackboneCheck backbone(Inputs in) {
        Path newest = null;
        for (Path f : CheckpointScan.modelFiles(in.checkpoints())) {
            String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.contains("backbone") && !n.contains("teacher") && n.endsWith(".safetensors")) {
                newest = f;
            }
        }
        if (newest == null) {
            return BackboneCheck.unavailable("no backbone checkpoint (*backbone*.safetensors) under " + in.checkpoints()
                + " (phase 2 writes one)");
        }
        if (in.reference() == null) {
            return BackboneCheck.unavailable(in.noReferenceNote());
        }
        try {
            var trained = WeightsLoader.loadSafeTensors(newest, FeatureHead.TORCHVISION_GAP).tensors();
            var reference = in.reference().load().get().tensors();
            return BackboneCheck.compare(newest, trained, in.reference().description(), reference);
        } catch (WeightsException e) {
            return BackboneCheck.unavailable("check error: " + e.getMessage());
        }
    }
}
