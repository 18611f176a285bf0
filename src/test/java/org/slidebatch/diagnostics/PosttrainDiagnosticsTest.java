package org.slidebatch.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.model.ConvNextTiny;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.Npy;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsLoader;
import org.slidebatch.store.DiagnosticsStore.LoggedLoss;

/** The four NB06C gates on hand-made inputs, without Spring. */
class PosttrainDiagnosticsTest {

    @TempDir
    Path tmp;

    static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

    static List<LoggedLoss> log(double... losses) {
        List<LoggedLoss> rows = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            rows.add(new LoggedLoss(7, 1, 1, 50L * (i + 1), losses[i], T0.plusSeconds(i)));
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------ G2

    @Test
    void g2PassesOnAFallingLogWithNb06cMedians() {
        double[] l = new double[40];
        for (int i = 0; i < l.length; i++) {
            l[i] = 2.0 - i * 0.04;           // 2.00, 1.96, … 0.44
        }
        LossTrend t = LossTrend.of(log(l));
        // n = 40 → k = max(3, 4) = 4: head 2.00 1.96 1.92 1.88 (median 1.94), tail 0.56 0.52 0.48 0.44 (median 0.50)
        assertThat(t.logRows()).isEqualTo(40);
        assertThat(t.stepsLogged()).isEqualTo(2000);
        assertThat(t.startMedian()).isCloseTo(1.94, within(1e-12));
        assertThat(t.endMedian()).isCloseTo(0.50, within(1e-12));
        assertThat(t.relImprovement()).isCloseTo((1.94 - 0.50) / 1.94, within(1e-12));
        assertThat(t.gate().status()).isEqualTo(GateStatus.PASS);
        assertThat(t.gate().consoleLine()).startsWith("[ OK ] G2_loss_improvement: median loss 1.9400 → 0.5000");
    }

    @Test
    void g2FailsOnAFlatLogAndWarnsInBetween() {
        double[] flat = new double[20];
        java.util.Arrays.fill(flat, 1.25);
        LossTrend t = LossTrend.of(log(flat));
        assertThat(t.relImprovement()).isEqualTo(0.0);
        assertThat(t.gate().status()).isEqualTo(GateStatus.FAIL);
        assertThat(t.gate().consoleLine()).startsWith("[FAIL] G2_loss_improvement");
        // 1.0 → 0.6: improvement 0.4, WARN
        LossTrend mid = LossTrend.of(log(1.0, 1.0, 1.0, 0.8, 0.6, 0.6, 0.6));
        assertThat(mid.relImprovement()).isCloseTo(0.4, within(1e-12));
        assertThat(mid.gate().status()).isEqualTo(GateStatus.WARN);
    }

    @Test
    void g2WarnsWithoutATrendAndCountsARestartedStepOnce() {
        assertThat(LossTrend.of(List.of()).gate().status()).isEqualTo(GateStatus.WARN);
        assertThat(LossTrend.of(log(1, 0.5, 0.1)).gate().detail()).contains("loss trend unavailable (3 training-log rows");
        // steps 50..200 logged by execution 7; execution 8 (the restart) logs steps 150 and 200 again with other values
        List<LoggedLoss> rows = new ArrayList<>(log(4, 4, 4, 4));
        rows.add(new LoggedLoss(8, 1, 1, 150, 1.0, T0.plusSeconds(100)));
        rows.add(new LoggedLoss(8, 1, 1, 200, 1.0, T0.plusSeconds(101)));
        LossTrend t = LossTrend.of(rows);
        assertThat(t.logRows()).isEqualTo(4);
        // k = 3: head 4, 4, 1 → 4; tail 4, 1, 1 → 1
        assertThat(t.startMedian()).isEqualTo(4.0);
        assertThat(t.endMedian()).isEqualTo(1.0);
    }

    // ------------------------------------------------------------------------------------------------ G1

    @Test
    void g1CountsSlidesWithFeaturesAtBothScalesAgainstTheGivenThresholds() throws Exception {
        Path fine = Files.createDirectories(tmp.resolve("features/0.5"));
        Path coarse = Files.createDirectories(tmp.resolve("features/2.0"));
        for (String s : List.of("a", "b", "c")) {
            Npy.writeFloat32(fine.resolve(s + ".npy"), new float[768], 1, 768);
            Npy.writeFloat32(fine.resolve(s + "_coords.npy"), new float[4], 1, 4);
        }
        for (String s : List.of("b", "c", "d")) {
            Npy.writeFloat32(coarse.resolve(s + ".npy"), new float[768], 1, 768);
            Npy.writeFloat32(coarse.resolve(s + "_coords.npy"), new float[4], 1, 4);
        }
        assertThat(Coverage.count(fine, coarse, 2, 1).atBoth()).isEqualTo(2);
        assertThat(Coverage.count(fine, coarse, 2, 1).gate().status()).isEqualTo(GateStatus.PASS);
        assertThat(Coverage.count(fine, coarse, 3, 2).gate().status()).isEqualTo(GateStatus.WARN);
        Gate fail = Coverage.count(fine, coarse, Coverage.OPENSLIDEFM_PASS, Coverage.OPENSLIDEFM_WARN).gate();
        assertThat(fail.status()).isEqualTo(GateStatus.FAIL);
        assertThat(fail.detail()).isEqualTo("2 slides with features at both scales (3 at 0.5 µm/px, 3 at 2.0; PASS ≥ 18000, WARN ≥ 15000)");
        assertThat(Coverage.count(tmp.resolve("none"), coarse, 1, 0).atBoth()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ G3

    @Test
    void g3TestLoadsTheNewestFilesWithSizeAndHash() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        assertThat(CheckpointScan.scan(dir, 6).gate().status()).isEqualTo(GateStatus.FAIL);
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        t.put("w", new SafeTensors.Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        for (int i = 0; i < 8; i++) {
            Path f = dir.resolve("student_" + i + ".safetensors");
            SafeTensors.write(f, t, "F32", Map.of());
            Files.setLastModifiedTime(f, FileTime.from(T0.plusSeconds(i)));
        }
        Files.writeString(dir.resolve(".student_9.safetensors.123.tmp"), "partial");
        CheckpointScan ok = CheckpointScan.scan(dir, 6);
        assertThat(ok.count()).isEqualTo(8);
        assertThat(ok.recent()).hasSize(6);
        assertThat(ok.recent().getFirst().file().getFileName().toString()).isEqualTo("student_2.safetensors");
        assertThat(ok.suggested().getFileName().toString()).isEqualTo("student_7.safetensors");
        CheckpointScan.Checkpoint c = ok.recent().getLast();
        assertThat(c.loadOk()).isTrue();
        assertThat(c.bytes()).isEqualTo(Files.size(c.file()));
        assertThat(c.sha256()).isEqualTo(WeightsLoader.sha256(c.file()));
        assertThat(c.sha256Short()).isEqualTo(c.sha256().substring(0, 12));
        assertThat(c.topKeys()).containsExactly("w");
        assertThat(ok.gate().status()).isEqualTo(GateStatus.PASS);
        // a truncated newest file: WARN naming it
        Path broken = dir.resolve("student_8.safetensors");
        byte[] whole = Files.readAllBytes(dir.resolve("student_7.safetensors"));
        Files.write(broken, java.util.Arrays.copyOf(whole, whole.length - 8));
        Files.setLastModifiedTime(broken, FileTime.from(T0.plusSeconds(20)));
        Gate warn = CheckpointScan.scan(dir, 6).gate();
        assertThat(warn.status()).isEqualTo(GateStatus.WARN);
        assertThat(warn.detail()).isEqualTo("1 of the newest 6 model files do not load: student_8.safetensors");
    }

    // ------------------------------------------------------------------------------------------------ G4

    /** Random ConvNeXt-Tiny weights in timm names, every tensor nudged (a trained backbone) or not. */
    static Path backbone(Path file, long seed, boolean nudge) throws Exception {
        Map<String, SafeTensors.Tensor> w = new LinkedHashMap<>(WeightsLoader.random(seed, FeatureHead.TORCHVISION_GAP).tensors());
        if (nudge) {
            SplittableRandom rnd = new SplittableRandom(seed + 1);
            w.replaceAll((k, t) -> {
                float[] d = t.data().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] = d[i] * 1.01f + 0.001f * (float) (rnd.nextDouble() + 0.5);
                }
                return new SafeTensors.Tensor(t.shape(), d);
            });
        }
        Files.createDirectories(file.getParent());
        SafeTensors.write(file, w, "F32", Map.of());
        return file;
    }

    PosttrainDiagnostics.Inputs inputs(Path checkpoints, PosttrainDiagnostics.Reference ref) {
        var p = new DiagnosticsParameters(null, 1, 0, 6, checkpoints, FailOn.NEVER);
        return new PosttrainDiagnostics.Inputs(tmp, tmp.resolve("features/0.5"), tmp.resolve("features/2.0"), checkpoints,
            List.of(), ref, DiagnosticsParameters.noReferenceNote(), p);
    }

    @Test
    void g4SaysTrainedForAChangedBackboneAndLikelyFrozenForAnUnchangedOne() throws Exception {
        Path reference = backbone(tmp.resolve("imagenet.safetensors"), 5, false);
        var ref = new PosttrainDiagnostics.Reference("reference_weights " + reference,
            () -> WeightsLoader.loadSafeTensors(reference, FeatureHead.TORCHVISION_GAP));
        int tensors = ConvNextTiny.expectedShapes(FeatureHead.TORCHVISION_GAP).size();

        backbone(tmp.resolve("trained/backbone_p2_e1.safetensors"), 5, true);
        BackboneCheck trained = PosttrainDiagnostics.backbone(inputs(tmp.resolve("trained"), ref));
        assertThat(trained.available()).isTrue();
        assertThat(trained.compared()).isEqualTo(tensors);
        assertThat(trained.changed()).isEqualTo(tensors);
        assertThat(trained.verdict()).isEqualTo(BackboneCheck.TRAINED);
        assertThat(trained.gate().status()).isEqualTo(GateStatus.PASS);

        backbone(tmp.resolve("frozen/backbone_p2_e1.safetensors"), 5, false);
        BackboneCheck frozen = PosttrainDiagnostics.backbone(inputs(tmp.resolve("frozen"), ref));
        assertThat(frozen.compared()).isEqualTo(tensors);
        assertThat(frozen.changed()).isZero();
        assertThat(frozen.maxRelChange()).isZero();
        assertThat(frozen.verdict()).isEqualTo(BackboneCheck.LIKELY_FROZEN);
        assertThat(frozen.gate().status()).isEqualTo(GateStatus.FAIL);
        assertThat(frozen.gate().consoleLine()).startsWith("[FAIL] G4_backbone_trained: LIKELY_FROZEN: 0 of " + tensors);
    }

    @Test
    void g4WarnsWithoutABackboneCheckpointOrReference() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("p1"));
        BackboneCheck none = PosttrainDiagnostics.backbone(inputs(dir, null));
        assertThat(none.gate().status()).isEqualTo(GateStatus.WARN);
        assertThat(none.note()).contains("no backbone checkpoint");
        backbone(dir.resolve("backbone.safetensors"), 1, false);
        BackboneCheck noRef = PosttrainDiagnostics.backbone(inputs(dir, null));
        assertThat(noRef.gate().status()).isEqualTo(GateStatus.WARN);
        assertThat(noRef.note()).contains("reference_weights=FILE");
    }

    @Test
    void failOnDecidesWhichGatesStopTheJob() {
        List<Gate> gates = List.of(new Gate("a", GateStatus.PASS, "", null), new Gate("b", GateStatus.WARN, "", null),
            new Gate("c", GateStatus.FAIL, "", null));
        assertThat(FailOn.parse("never").stopping(gates)).isEmpty();
        assertThat(FailOn.parse("fail").stopping(gates)).extracting(Gate::name).containsExactly("c");
        assertThat(FailOn.parse("WARN").stopping(gates)).extracting(Gate::name).containsExactly("b", "c");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FailOn.parse("sometimes"))
            .hasMessage("fail_on must be never, fail or warn, got 'sometimes'");
    }
}
