package org.slidebatch.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.slidebatch.model.Npy;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes, in exactly the published formats, what the stages the report draws from produce: evaluation outputs
 * (probe, binary CV, LOCO), grading outputs, slide embeddings, and database rows (slides, QC, tokens, passports,
 * training log). Every file and row names a step execution that this fixture creates in the job repository.
 */
public final class ReportFixtures {

    /** The step executions the fixture made, by role (manifest, qc, tile, pretrain, probe, binary, loco, grade). */
    public final Map<String, Long> steps = new LinkedHashMap<>();
    public final Map<String, Long> jobs = new LinkedHashMap<>();

    private final JobRepository repo;
    private final JdbcClient jdbc;

    public ReportFixtures(JobRepository repo, DataSource dataSource) {
        this.repo = repo;
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** A completed job execution with one completed step of this name. */
    public StepExecution step(String role, String job, String stepName) throws Exception {
        var params = new JobParametersBuilder().addLong("run.id", System.nanoTime()).toJobParameters();
        var instance = repo.createJobInstance(job, params);
        JobExecution e = repo.createJobExecution(instance, params, new ExecutionContext());
        e.setStartTime(java.time.LocalDateTime.now());
        e.setStatus(BatchStatus.COMPLETED);
        e.setExitStatus(ExitStatus.COMPLETED);
        e.setEndTime(java.time.LocalDateTime.now());
        StepExecution s = repo.createStepExecution(stepName, e);
        s.setStartTime(java.time.LocalDateTime.now());
        s.setStatus(BatchStatus.COMPLETED);
        s.setExitStatus(ExitStatus.COMPLETED);
        s.setEndTime(java.time.LocalDateTime.now());
        repo.update(s);
        repo.update(e);
        steps.put(role, s.getId());
        jobs.put(role, e.getId());
        return s;
    }

    public void databaseRows() throws Exception {
        step("manifest", "manifest", "manifest.record");
        step("qc", "qc", "qc");
        step("tile", "tile", "tile");
        step("pretrain", "pretrain", "pretrain");
        long m = steps.get("manifest");
        String[][] slides = {{"TCGA-AA-0001-01Z", "ok", "0.25", "openslide.mpp-x", "BRCA"},
            {"TCGA-AA-0002-01Z", "ok", "0.5", "aperio.MPP", "LUAD"}, {"TCGA-AA-0003-01Z", "ok", null, null, "BRCA"},
            {"TCGA-AA-0004-01Z", "failed", null, null, "LUAD"}};
        for (String[] s : slides) {
            jdbc.sql("INSERT INTO slide (slide_id, path, cancer_code, status, mpp_x, mpp_source, manifest_step_execution_id, recorded_at) "
                    + "VALUES (?,?,?,?,?,?,?,CURRENT_TIMESTAMP)")
                .params(s[0], "/slides/" + s[0] + ".svs", s[4], s[1], s[2] == null ? null : Double.valueOf(s[2]), s[3], m).update();
        }
        double[][] qc = {{0.42, 120.0}, {0.18, 15.0}, {0.66, 900.0}};
        for (int i = 0; i < qc.length; i++) {
            jdbc.sql("INSERT INTO qc_metrics (slide_id, tissue_pct, blur_var, excluded, job_execution_id, recorded_at) VALUES (?,?,?,?,?,CURRENT_TIMESTAMP)")
                .params(slides[i][0], qc[i][0], qc[i][1], false, jobs.get("qc")).update();
            jdbc.sql("INSERT INTO tile_summary (slide_id, scale_um_per_px, tiles, job_execution_id, recorded_at) VALUES (?,?,?,?,CURRENT_TIMESTAMP)")
                .params(slides[i][0], 0.5, 100 * (i + 1), jobs.get("tile")).update();
            jdbc.sql("INSERT INTO tile_summary (slide_id, scale_um_per_px, tiles, job_execution_id, recorded_at) VALUES (?,?,?,?,CURRENT_TIMESTAMP)")
                .params(slides[i][0], 2.0, 30 * (i + 1), jobs.get("tile")).update();
        }
        String[] roles = {"qc", "tile"};
        for (int i = 0; i < roles.length; i++) {
            jdbc.sql("INSERT INTO compute_passport (step_execution_id, job_execution_id, job_name, step_name, status, host, "
                    + "git_commit, parameters_hash, started_at, wall_seconds, items_out, throughput_per_s) "
                    + "VALUES (?,?,?,?,?,?,?,?,CURRENT_TIMESTAMP,?,?,?)")
                .params(steps.get(roles[i]), jobs.get(roles[i]), roles[i], roles[i], "COMPLETED", "fixture-host", "abc1234",
                    "f".repeat(64), 2.0, 3, 1.5).update();
        }
        // the pretrain step's own table (V20): phase 1 then phase 2 of one run
        for (int i = 0; i < 6; i++) {
            jdbc.sql("""
                    INSERT INTO training_log (step_execution_id, run_tag, phase, epoch, step, lr, loss, loss_byol, loss_mfr,
                      tokens_per_s, seconds, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,CURRENT_TIMESTAMP)""")
                .params(steps.get("pretrain"), "fixture", i < 3 ? 1 : 2, 1 + i / 3, i, 1e-4, 2.0 - 0.2 * i, 1.2 - 0.1 * i,
                    0.8 - 0.1 * i, 5000.0, 0.5).update();
        }
    }

    public void embeddings(Path ws) throws IOException {
        String[] ids = {"TCGA-AA-0001-01Z", "TCGA-AA-0002-01Z", "TCGA-AA-0003-01Z", "TCGA-AA-0004-01Z"};
        for (int s = 0; s < ids.length; s++) {
            float[] v = new float[768];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) Math.sin(0.01 * j * (s + 1)) + s * 0.1f;
            }
            Files.createDirectories(ws.resolve("embeddings/student_final"));
            Npy.writeFloat32(ws.resolve("embeddings/student_final/" + ids[s] + ".npy"), v, 768);
        }
    }

    public void evaluationFiles(Path ws) throws Exception {
        long probe = step("probe", "evaluate", "probe").getId();
        long binary = step("binary", "evaluate", "binary-cv").getId();
        long loco = step("loco", "evaluate", "loco").getId();
        long grade = step("grade", "grade", "grade.oof").getId();
        Path p = ws.resolve("evaluation/probe");
        write(p.resolve("test_metrics.json"), """
            {"timestamp": "2026-11-29T10:00:00", "method": "LogisticRegression_C1.0_L2", "cv": "StratifiedGroupKFold_TSS",
             "seeds": [42, 123, 456], "n_evaluations": 3, "accuracy": {"mean": 0.7, "std": 0.1, "ci95": [0.61, 0.79]},
             "balanced_accuracy": {"mean": 0.65, "std": 0.05}, "macro_f1": {"mean": 0.6, "std": 0.04},
             "macro_auc_ovr": {"mean": 0.85, "std": 0.02}, "step_execution_id": %d}
            """.formatted(probe));
        write(p.resolve("fold_results.csv"), """
            seed,fold,accuracy,balanced_accuracy,macro_f1,macro_auc,step_execution_id
            42,0,0.6,0.6,0.55,0.84,%1$d
            123,0,0.7,0.65,0.6,,%1$d
            456,0,0.8,0.7,0.65,0.86,%1$d
            """.formatted(probe));
        write(p.resolve("per_class_metrics.csv"), """
            ,precision,recall,f1-score,support,step_execution_id
            BRCA,0.9,0.8,0.85,40.0,%1$d
            KIRC,0.7,0.6,0.65,12.0,%1$d
            LUAD,0.5,0.6,0.55,20.0,%1$d
            LUSC,0.4,0.4,0.4,8.0,%1$d
            accuracy,0.7,0.7,0.7,0.7,%1$d
            macro avg,0.625,0.6,0.6125,80.0,%1$d
            weighted avg,0.7,0.7,0.7,80.0,%1$d
            """.formatted(probe));
        write(p.resolve("confusion_matrix.csv"), """
            ,BRCA,KIRC,LUAD,LUSC,step_execution_id
            BRCA,32,2,4,2,%1$d
            KIRC,2,7,2,1,%1$d
            LUAD,3,2,12,3,%1$d
            LUSC,1,1,3,3,%1$d
            """.formatted(probe));
        write(p.resolve("oof.csv"), """
            patient_id,y_true,y_pred,prob_BRCA,prob_KIRC,prob_LUAD,prob_LUSC,step_execution_id
            P1,BRCA,BRCA,0.7,0.1,0.1,0.1,%1$d
            P2,BRCA,LUAD,0.15,0.1,0.45,0.3,%1$d
            P3,KIRC,KIRC,0.1,0.8,0.05,0.05,%1$d
            P4,LUAD,LUAD,0.2,0.1,0.6,0.1,%1$d
            P5,LUSC,LUAD,0.1,0.1,0.5,0.3,%1$d
            P6,LUSC,LUSC,0.1,0.1,0.2,0.6,%1$d
            """.formatted(probe));
        Path b = ws.resolve("evaluation/binary-cv");
        write(b.resolve("results.json"), """
            {"auroc": 0.9375, "auroc_ci95": [0.75, 1.0], "accuracy": 0.75, "f1": 0.75, "avg_precision": 0.95,
             "n_slides": 8, "n_tumor": 4, "n_normal": 4, "step_execution_id": %d}
            """.formatted(binary));
        StringBuilder oof = new StringBuilder("slide_id,y_true,y_pred,p_tumor,step_execution_id\n");
        double[] pp = {0.9, 0.8, 0.4, 0.7, 0.6, 0.3, 0.2, 0.1};
        for (int i = 0; i < 8; i++) {
            oof.append("tumor_%03d,%d,%d,%s,%d\n".formatted(i, i < 4 ? 1 : 0, pp[i] >= 0.5 ? 1 : 0, pp[i], binary));
        }
        write(b.resolve("oof.csv"), oof.toString());
        Path l = ws.resolve("evaluation/loco");
        write(l.resolve("per_center_kappa.csv"), """
            center,n_patients,kappa_qw,step_execution_id
            CEN0,20,0.5,%1$d
            CEN1,20,-0.1,%1$d
            CEN2,20,0.3,%1$d
            """.formatted(loco));
        write(l.resolve("transition_matrix_normalized.csv"), """
            ,pN0,pN1,pN2,step_execution_id
            pN0,0.8,0.15,0.05,%1$d
            pN1,0.3,0.5,0.2,%1$d
            pN2,0.1,0.3,0.6,%1$d
            """.formatted(loco));
        write(l.resolve("transition_matrix_counts.csv"), """
            ,pN0,pN1,pN2,step_execution_id
            pN0,16,3,1,%1$d
            pN1,6,10,4,%1$d
            pN2,2,6,12,%1$d
            """.formatted(loco));
        write(l.resolve("ablations_summary.csv"), """
            model,C,kappa_qw_mean,folds,detail,step_execution_id
            logreg_l2,1.0,0.2333,3,CEN0:n=20|k=0.500; CEN1:n=20|k=-0.100; CEN2:n=20|k=0.300,%1$d
            ridge,0.1,0.1,3,CEN0:n=20|k=0.200; CEN1:n=20|k=0.000; CEN2:n=20|k=0.100,%1$d
            """.formatted(loco));
        write(l.resolve("best_patient_predictions.csv"), "patient,y_true,y_pred,step_execution_id\npatient_000,0,0," + loco + "\n");
        write(l.resolve("best_config.json"), """
            {"time": "2026-11-29T10:00:00", "mode": "LOCO", "best_model": "logreg_l2", "best_C": 1.0,
             "kappa_qw_mean_cv": 0.2333, "overall_kappa_qw": 0.41, "kappa_ci95": [0.2, 0.6], "step_execution_id": %d}
            """.formatted(loco));
        Path g = ws.resolve("grade");
        StringBuilder ens = new StringBuilder("slide_id,true_isup,pred_isup,prob_0,prob_1,prob_2,prob_3,prob_4,prob_5,provider,step_execution_id\n");
        for (int i = 0; i < 12; i++) {
            int t = i % 6;
            int pred = i < 6 ? t : Math.min(5, t + 1);
            double[] pr = new double[6];
            for (int k = 0; k < 6; k++) {
                pr[k] = k == pred ? 0.5 : 0.1;
            }
            ens.append("img%02d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%d\n".formatted(i, t, pred, pr[0], pr[1], pr[2], pr[3], pr[4], pr[5],
                i % 2 == 0 ? "karolinska" : "radboud", grade));
        }
        write(g.resolve("oof_ensemble.csv"), ens.toString());
        write(g.resolve("metrics_auc.json"), """
            {"macro_auroc_ovr": 0.88, "thresholds": {">=1": {"auroc": 0.9, "auprc": 0.95, "pos_rate": 0.83}},
             "step_execution_id": %d}
            """.formatted(grade));
        write(g.resolve("metrics_auc_by_provider.csv"), """
            provider,macro_auroc_ovr,n,AUROC_>=1,AUPRC_>=1,step_execution_id
            karolinska,0.91,6,0.9,0.95,%1$d
            radboud,0.84,6,0.8,0.9,%1$d
            """.formatted(grade));
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
