package org.slidebatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.store.ReportStore;
import org.slidebatch.support.JobLaunches;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The report job end to end on fixture outputs of every stage it draws from, written in their published formats. */
@SpringBootTest(classes = SlidebatchApplication.class)
class ReportJobFunctionalTests {

    @TempDir
    static Path tmp;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    DataSource dataSource;

    @Autowired
    ReportStore store;

    @Autowired
    @Qualifier("reportJob")
    Job reportJob;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_0-9.])\\d+(?:\\.\\d+)?");

    @Test
    void everyFigureFromItsInputsAndEveryNumberNamesAnExecutionInTheRepository() throws Exception {
        Path ws = tmp.resolve("ws");
        // Before any stage output exists: the report still completes and lists everything as not available.
        JobExecution empty = JobLaunches.start(jobOperator, reportJob, "dpi", "100");
        assertThat(empty.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String emptyHtml = Files.readString(ReportBuilder.folder(ws, empty.getId()).resolve("index.html"));
        assertThat(emptyHtml).contains("not available (no evaluation/&lt;protocol&gt;/fold_results.csv)",
            "not available (no slide rows (run the manifest job))", "not available (no grade/oof_ensemble.csv)",
            "not available (no embeddings/&lt;tag&gt;/)");

        ReportFixtures fx = new ReportFixtures(jobRepository, dataSource);
        fx.databaseRows();
        fx.embeddings(ws);
        fx.evaluationFiles(ws);
        JobExecution run = JobLaunches.start(jobOperator, reportJob, "dpi", "100");
        assertThat(run.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path dir = ReportBuilder.folder(ws, run.getId());
        Path index = dir.resolve("index.html");
        long reportStep = run.getStepExecutions().iterator().next().getId();

        List<ReportStore.ItemRow> items = store.items(reportStep);
        List<String> unavailable = items.stream().filter(i -> !i.available()).map(ReportStore.ItemRow::itemId).toList();
        assertThat(unavailable).containsExactlyInAnyOrder("fig4E_osfm_vs_uni2h", "fig1C_computational_efficiency");
        for (var i : items.stream().filter(i -> i.kind().equals("figure") && i.available()).toList()) {
            assertThat(dir.resolve("figures/" + i.itemId() + ".png")).isNotEmptyFile();
            assertThat(Files.readString(dir.resolve("figures/" + i.itemId() + ".svg"))).contains("<svg");
        }
        // Each item cites exactly the step executions its inputs name.
        assertThat(item(items, "fig4A_binary_roc").sourceStepExecutionIds()).isEqualTo(fx.steps.get("binary").toString());
        assertThat(item(items, "fig4C_per_center_kappa").sourceStepExecutionIds()).isEqualTo(fx.steps.get("loco").toString());
        assertThat(item(items, "qc_tissue_pct").sourceStepExecutionIds()).isEqualTo(fx.steps.get("qc").toString());
        assertThat(item(items, "tokens_per_slide").sourceStepExecutionIds()).isEqualTo(fx.steps.get("tile").toString());
        assertThat(item(items, "training_loss").sourceStepExecutionIds()).isEqualTo(fx.steps.get("pretrain").toString());
        assertThat(item(items, "throughput_by_step").sourceStepExecutionIds())
            .isEqualTo(fx.steps.get("qc") + " " + fx.steps.get("tile"));

        String html = Files.readString(index);
        // Values computed from the fixtures: AUROC 15/16; mean per-center κ (0.5 − 0.1 + 0.3)/3; accuracy over 3 folds
        // 0.7 ± t(0.975, 2)·0.1/√3 = 0.248; macro AUC over the 2 folds that have one; per-class OvR AUROC
        // BRCA 7/8, KIRC 1, LUAD 1, LUSC 7.5/8 (a tie) → macro mean 0.953.
        assertThat(html).contains("AUROC 0.938", "mean of the per-center κ 0.233", "accuracy 0.700 ± 0.248 (n=3)",
            "macro_auc 0.850 ± 0.127 (n=2)", "macro mean 0.953", "Pearson r of log10(support) and F1");
        assertThat(html).doesNotContain("0.795", "0.812"); // the paper's UNI/Virchow constants are not drawn

        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(index.toFile());
        Set<Long> known = new HashSet<>(JdbcClient.create(dataSource).sql("SELECT STEP_EXECUTION_ID FROM BATCH_STEP_EXECUTION")
            .query(Long.class).list());
        List<String> numbersSeen = new ArrayList<>();
        walk(doc.getDocumentElement(), known, numbersSeen);
        assertThat(numbersSeen).hasSizeGreaterThan(100);

        // Relative links resolve inside the report folder.
        var links = Pattern.compile("(?:href|src)=\"(?!data:)([^\"#][^\"]*)\"").matcher(html);
        int n = 0;
        while (links.find()) {
            assertThat(dir.resolve(links.group(1))).as(links.group(1)).isRegularFile();
            n++;
        }
        assertThat(n).isGreaterThan(40);

        // A malformed input names the file and the reason; the rest of the report goes on.
        Files.writeString(ws.resolve("evaluation/probe/per_class_metrics.csv"), ",precision,recall,support,step_execution_id\nBRCA,1,1,3,"
            + fx.steps.get("probe") + "\n");
        Files.delete(ws.resolve("evaluation/loco/per_center_kappa.csv"));
        JobExecution again = JobLaunches.start(jobOperator, reportJob, "dpi", "100");
        assertThat(again.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String html2 = Files.readString(ReportBuilder.folder(ws, again.getId()).resolve("index.html"));
        assertThat(html2).contains("bad input: " + ws.resolve("evaluation/probe/per_class_metrics.csv") + ": no column &#39;f1-score&#39;",
            "not available (no evaluation/&lt;protocol&gt;/per_center_kappa.csv)");
        assertThat(html2).contains("id=\"fig4A_binary_roc\"");
    }

    @Test
    void malformedParametersAreRefusedBeforeTheJobStarts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobLaunches.start(jobOperator, reportJob, "dpi", "10"))
            .hasMessageContaining("dpi must be between 72 and 1200");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobLaunches.start(jobOperator, reportJob, "embedding_tag", "../x"))
            .hasMessageContaining("embedding_tag must be a folder name");
    }

    static ReportStore.ItemRow item(List<ReportStore.ItemRow> items, String id) {
        return items.stream().filter(i -> i.itemId().equals(id)).findFirst().orElseThrow();
    }

    /** Every text with a number has an ancestor naming step executions, all of which exist in the repository. */
    static void walk(Node node, Set<Long> known, List<String> seen) {
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.TEXT_NODE) {
                var m = NUMBER.matcher(c.getNodeValue());
                while (m.find()) {
                    seen.add(m.group());
                    Element owner = ancestorWithIds(c);
                    assertThat(owner).as("number '%s' in '%s' names no step execution", m.group(), c.getNodeValue().strip()).isNotNull();
                    List<Long> ids = Arrays.stream(owner.getAttribute("data-step-executions").trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).map(Long::valueOf).toList();
                    assertThat(ids).as("number '%s' in '%s'", m.group(), c.getNodeValue().strip()).isNotEmpty();
                    assertThat(known).as("ids of '%s'", c.getNodeValue().strip()).containsAll(ids);
                }
            } else if (c.getNodeType() == Node.ELEMENT_NODE) {
                walk(c, known, seen);
            }
        }
    }

    static Element ancestorWithIds(Node n) {
        for (Node p = n.getParentNode(); p instanceof Element e; p = p.getParentNode()) {
            if (e.hasAttribute("data-step-executions") && !e.getAttribute("data-step-executions").isBlank()) {
                return e;
            }
        }
        return null;
    }
}
