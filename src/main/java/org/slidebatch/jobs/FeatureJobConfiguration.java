package org.slidebatch.jobs;

import org.slidebatch.diagnostics.DiagnosticsParameters;
import org.slidebatch.features.FeatureParameters;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Job {@code features}: [manifest] → features.selftest → features (on the workspace's token tiles), and the chains:
 * {@code openslidefm} = [manifest] → qc → qc.export → tile → tile.export → features.selftest → features → pretrain →
 * diagnostics → embed → embed.export → [evaluate.split → evaluate.folds → evaluate.report, when {@code labels=FILE} is given] → report;
 * {@code gpfm} = [manifest] → segment → grid (GPFM's patch recipe; its pretraining consumer is wave 2).
 */
@Configuration(proxyBeanMethods = false)
public class FeatureJobConfiguration {

    @Bean
    Job featuresJob(JobRepository repo, PassportStore passports,
                    @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                    @Qualifier("manifestExportStep") Step export, @Qualifier("featuresSelftestStep") Step selftest,
                    @Qualifier("featuresStep") Step features) {
        return StageJobFlow.build("features", repo, passports, StageJobFlow.validator(FeatureParameters.SPEC),
            scan, record, export, selftest, features);
    }

    @Bean
    Job openslidefmJob(JobRepository repo, PassportStore passports, org.slidebatch.workspace.Workspace workspace,
                       @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                       @Qualifier("manifestExportStep") Step export, @Qualifier("qcStep") Step qc,
                       @Qualifier("qcExportStep") Step qcExport, @Qualifier("tileStep") Step tile,
                       @Qualifier("tileExportStep") Step tileExport, @Qualifier("featuresSelftestStep") Step selftest,
                       @Qualifier("featuresStep") Step features, @Qualifier("pretrainStep") Step pretrain,
                       @Qualifier("diagnosticsStep") Step diagnostics,
                       @Qualifier("embedStep") Step embed, @Qualifier("embedExportStep") Step embedExport,
                       @Qualifier("evaluateSplitStep") Step split, @Qualifier("evaluateFoldsStep") Step folds,
                       @Qualifier("evaluateReportStep") Step evaluateReport, @Qualifier("reportStep") Step report) {
        // evaluate's default embeddings: the folder this chain's embed step wrote, embeddings/<embed_tag>/
        var tail = new StageJobFlow.Tail(StageJobFlow.evaluateNeeded(p -> workspace.stage(
                org.slidebatch.embed.EmbedStepConfiguration.STAGE_FOLDER).resolve(org.slidebatch.embed.EmbedParameters.from(p).tag())),
            report, split, folds, evaluateReport);
        return StageJobFlow.build("openslidefm", repo, passports, StageJobFlow.validator(org.slidebatch.qc.QcParameters.SPEC,
                org.slidebatch.tiling.TileParameters.SPEC, FeatureParameters.SPEC, PretrainJobConfiguration.PRETRAIN,
                PretrainJobConfiguration.PHASE2, DiagnosticsJobConfiguration.DIAGNOSTICS, PretrainJobConfiguration.EMBED,
                EvaluateJobConfiguration.IN_CHAIN, ReportJobConfiguration.SPEC),
            tail, scan, record, export, qc, qcExport, tile, tileExport, selftest, features, pretrain, diagnostics, embed, embedExport);
    }

    @Bean
    Job gpfmJob(JobRepository repo, PassportStore passports,
                @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                @Qualifier("manifestExportStep") Step export, @Qualifier("segmentStep") Step segment,
                @Qualifier("gridStep") Step grid) {
        return StageJobFlow.build("gpfm", repo, passports, StageJobFlow.validator(org.slidebatch.tissue.SegmentParameters.SPEC, org.slidebatch.tiling.GridParameters.SPEC),
            scan, record, export, segment, grid);
    }
}
