package org.slidebatch.grade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.slidebatch.evaluate.Fold;
import org.slidebatch.evaluate.Splitters;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Csv;

/**
 * NB11's cross-validation (OSFM-spec §15) and NB12's metrics: one provider-aware stratified k-fold split (key grade ×
 * provider, split seed 42) shared by all seeds; per (seed, fold) a {@link FoldTrainer} in
 * {@code seed<S>/fold<F>/} whose test-fold probabilities go to {@code oof.csv} there (a fold with that file is
 * finished and never retrained); then the OOF ensemble (mean of the seeds' probabilities), its κ with a
 * patient-level bootstrap CI and the AUROC/AUPRC tables.
 *
 * <p>Early stopping and the checkpoint choice use an inner validation split of the training folds (one fold of a
 * provider-aware stratified {@code innerFolds}-fold split of them), not the test fold. NB11 selects on the test
 * fold, which makes the OOF estimate optimistic (§17.25); {@code selectOnTestFold} reproduces that.
 */
public final class GradeCrossValidation {

    /**
     * @param fold             the per-fold trainer settings (its seed is replaced by each of {@code seeds})
     * @param folds            N_FOLDS 5
     * @param seeds            SEEDS (42, 777, 1337)
     * @param splitSeed        the fold split's seed (NB11: 42)
     * @param innerFolds       the inner validation split takes 1/innerFolds of the training folds (5)
     * @param selectOnTestFold NB11's behaviour: stop and select on the test fold
     * @param bootstrap        bootstrap replicates of the κ CI (1000)
     */
    public record Settings(FoldTrainer.Settings fold, int folds, long[] seeds, long splitSeed, int innerFolds,
                           boolean selectOnTestFold, int bootstrap) {
    }

    /** Progress: a (seed, fold) unit finished its epoch, or was found finished. */
    public interface Listener {
        void epochDone(long seed, int fold, FoldTrainer.Epoch e, int epochs);

        void foldSkipped(long seed, int fold);
    }

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public static final String OOF = "oof_ensemble.csv";

    private GradeCrossValidation() {
    }

    /** Trains what is missing and writes oof_ensemble.csv, metrics_auc.json, metrics_auc_by_provider.csv, summary.json. */
    public static Map<String, Object> run(NDManager root, List<GradeSlide> slides, String[] patients, Settings s, Path dir,
                                          Listener listener) throws IOException {
        int n = slides.size();
        int[] y = slides.stream().mapToInt(GradeSlide::grade).toArray();
        String[] prov = slides.stream().map(GradeSlide::provider).toArray(String[]::new);
        List<Fold> folds = Splitters.providerStratifiedKFold(y, prov, s.folds(), s.splitSeed());
        int c = s.fold().model().classes();
        double[][] ensemble = new double[n][c];
        for (long seed : s.seeds()) {
            FoldTrainer.Settings fs = new FoldTrainer.Settings(s.fold().model(), s.fold().step(), s.fold().schedule(),
                s.fold().augment(), s.fold().batchSlides(), s.fold().patience(), s.fold().budget05(), s.fold().budget20(), seed);
            for (Fold f : folds) {
                Path unit = dir.resolve("seed" + seed).resolve("fold" + f.index());
                Path oof = unit.resolve("oof.csv");
                if (!Files.exists(oof)) {
                    List<GradeSlide> test = pick(slides, f.test());
                    int[][] inner = innerSplit(f.train(), y, prov, s);
                    FoldTrainer trainer = new FoldTrainer(root, fs);
                    trainer.train(pick(slides, inner[0]), s.selectOnTestFold() ? test : pick(slides, inner[1]), unit,
                        Integer.MAX_VALUE, listener == null ? null : (e, epochs) -> listener.epochDone(seed, f.index(), e, epochs));
                    writeFoldOof(oof, test, trainer.predict(unit, test));
                } else if (listener != null) {
                    listener.foldSkipped(seed, f.index());
                }
                Map<String, double[]> p = readFoldOof(oof, c);
                for (int i : f.test()) {
                    double[] row = p.get(slides.get(i).id());
                    if (row == null) {
                        throw new IllegalStateException(oof + " has no row for slide " + slides.get(i).id());
                    }
                    for (int k = 0; k < c; k++) {
                        ensemble[i][k] += row[k] / s.seeds().length;
                    }
                }
            }
        }
        return writeOutputs(dir, slides, y, prov, patients, ensemble, s);
    }

    /** {train, validation} row indices (into the cohort) for one outer fold. */
    static int[][] innerSplit(int[] train, int[] y, String[] prov, Settings s) {
        if (s.selectOnTestFold()) {
            return new int[][] {train, new int[0]};
        }
        int[] ty = Arrays.stream(train).map(i -> y[i]).toArray();
        String[] tp = Arrays.stream(train).mapToObj(i -> prov[i]).toArray(String[]::new);
        Fold inner = Splitters.providerStratifiedKFold(ty, tp, s.innerFolds(), s.splitSeed() + 1).get(0);
        return new int[][] {Arrays.stream(inner.train()).map(i -> train[i]).toArray(),
            Arrays.stream(inner.test()).map(i -> train[i]).toArray()};
    }

    private static List<GradeSlide> pick(List<GradeSlide> all, int[] idx) {
        List<GradeSlide> out = new ArrayList<>();
        for (int i : idx) {
            out.add(all.get(i));
        }
        return out;
    }

    private static void writeFoldOof(Path file, List<GradeSlide> test, double[][] prob) throws IOException {
        StringBuilder sb = new StringBuilder("slide_id");
        for (int k = 0; k < prob[0].length; k++) {
            sb.append(",prob_").append(k);
        }
        sb.append('\n');
        for (int i = 0; i < test.size(); i++) {
            List<Object> row = new ArrayList<>();
            row.add(test.get(i).id());
            for (double v : prob[i]) {
                row.add(Double.toString(v));
            }
            sb.append(Csv.line(row.toArray()));
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    private static Map<String, double[]> readFoldOof(Path file, int classes) throws IOException {
        Map<String, double[]> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length != classes + 1) {
                throw new IOException(file + ": malformed row '" + line + "'");
            }
            double[] p = new double[classes];
            for (int k = 0; k < classes; k++) {
                p[k] = Double.parseDouble(f[k + 1]);
            }
            out.put(f[0].startsWith("\"") ? f[0].substring(1, f[0].length() - 1) : f[0], p);
        }
        return out;
    }

    private static Map<String, Object> writeOutputs(Path dir, List<GradeSlide> slides, int[] y, String[] prov,
                                                    String[] patients, double[][] ensemble, Settings s) throws IOException {
        int c = ensemble[0].length;
        int[] pred = org.slidebatch.evaluate.Metrics.argmax(ensemble);
        StringBuilder sb = new StringBuilder("slide_id,true_isup,pred_isup");
        for (int k = 0; k < c; k++) {
            sb.append(",prob_").append(k);
        }
        sb.append(",provider\n");
        for (int i = 0; i < slides.size(); i++) {
            List<Object> row = new ArrayList<>(List.of(slides.get(i).id(), y[i], pred[i]));
            for (double v : ensemble[i]) {
                row.add(Double.toString(v));
            }
            row.add(prov[i]);
            sb.append(Csv.line(row.toArray()));
        }
        AtomicFiles.writeString(dir.resolve(OOF), sb.toString());
        AtomicFiles.writeString(dir.resolve("metrics_auc.json"), JSON.writeValueAsString(GradeMetrics.auc(y, ensemble)) + "\n");
        StringBuilder pc = new StringBuilder();
        for (List<Object> r : GradeMetrics.byProvider(y, ensemble, prov)) {
            pc.append(Csv.line(r.toArray()));
        }
        AtomicFiles.writeString(dir.resolve("metrics_auc_by_provider.csv"), pc.toString());
        Map<String, Object> kappa = GradeMetrics.kappa(y, ensemble, patients, s.bootstrap(), s.splitSeed());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("oof_kappa", kappa.get("qwk"));
        summary.put("oof_kappa_ci_low", kappa.get("qwk_ci_low"));
        summary.put("oof_kappa_ci_high", kappa.get("qwk_ci_high"));
        summary.put("oof_accuracy", kappa.get("accuracy"));
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("replicates", kappa.get("bootstrap_replicates"));
        boot.put("unit", "patient");
        boot.put("seed", s.splitSeed());
        summary.put("bootstrap", boot);
        summary.put("seeds", s.seeds());
        summary.put("folds", s.folds());
        summary.put("selection", s.selectOnTestFold() ? "test_fold (NB11)" : "inner_validation");
        Map<String, Object> budgets = new LinkedHashMap<>();
        budgets.put("0p5", s.fold().budget05());
        budgets.put("2p0", s.fold().budget20());
        summary.put("budgets", budgets);
        summary.put("slides", slides.size());
        AtomicFiles.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summary) + "\n");
        return summary;
    }
}
