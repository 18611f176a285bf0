package org.slidebatch.diagnostics;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.features.FeatureStepConfiguration;
import org.slidebatch.store.DiagnosticsStore;
import org.slidebatch.store.PassportStore;
import org.slidebatch.tiling.TileStepConfiguration;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step {@code diagnostics} (OpenSlideFM NB06C): runs {@link PosttrainDiagnostics} on the workspace and the training
 * log, writes {@code diagnostics/posttrain_diagnostics.json}, one {@code posttrain_gate} row per gate, and the
 * console lines {@code [ OK ]} / {@code [WARN]} / {@code [FAIL]}; stops the job only as {@code fail_on} says.
 */
@Configuration(proxyBeanMethods = false)
public class DiagnosticsStepConfiguration {

    public static final String STEP = "diagnostics";
    public static final String STAGE_FOLDER = "diagnostics";
    public static final String REPORT = "posttrain_diagnostics.json";
    /** Where the pretrain step keeps its model files unless {@code checkpoints=DIR} says otherwise. */
    public static final String DEFAULT_CHECKPOINTS = "pretrain";

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Bean
    Step diagnosticsStep(JobRepository repo, PlatformTransactionManager tx, DiagnosticsStore store,
                         PassportStore passports, Workspace workspace) {
        return new StepBuilder(STEP, repo)
            .tasklet((contribution, chunk) -> {
                var se = contribution.getStepExecution();
                var jp = se.getJobParameters();
                DiagnosticsParameters p = DiagnosticsParameters.from(jp);
                Path features = workspace.stage(FeatureStepConfiguration.STAGE_FOLDER);
                var inputs = new PosttrainDiagnostics.Inputs(workspace.root(),
                    features.resolve(TileStepConfiguration.scaleFolder(0.5)),
                    features.resolve(TileStepConfiguration.scaleFolder(2.0)),
                    p.checkpoints() != null ? p.checkpoints() : workspace.stage(DEFAULT_CHECKPOINTS),
                    store.trainingLog(se.getJobExecution().getJobInstance().getInstanceId()),
                    p.reference(jp), DiagnosticsParameters.noReferenceNote(), p);
                var report = PosttrainDiagnostics.run(inputs, se.getId());
                Path out = workspace.stage(STAGE_FOLDER).resolve(REPORT);
                AtomicFiles.writeString(out, JSON.writeValueAsString(report.toJson()) + "\n");
                Instant now = Instant.now();
                store.saveGates(se.getId(), report.gates().stream().map(g -> new DiagnosticsStore.GateRow(se.getId(),
                    g.name(), g.status().name(), g.detail(), g.value(), out.toString(), now)).toList());
                report.consoleLines().forEach(l -> System.out.println("[" + STEP + "] " + l));
                String summary = report.gates().stream().map(g -> g.name() + "=" + g.status())
                    .collect(Collectors.joining(", "));
                se.getExecutionContext().putString(PassportListener.NOTES, "post-training gates: " + summary + "; " + out);
                List<Gate> stopping = p.failOn().stopping(report.gates());
                if (!stopping.isEmpty()) {
                    throw new IllegalStateException("post-training diagnostics stop the job (fail_on="
                        + p.failOn().name().toLowerCase(java.util.Locale.ROOT) + "): "
                        + stopping.stream().map(Gate::consoleLine).collect(Collectors.joining("; ")) + " — see " + out);
                }
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }
}
