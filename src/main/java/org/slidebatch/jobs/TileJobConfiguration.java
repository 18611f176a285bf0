package org.slidebatch.jobs;

import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Job {@code tile}: [manifest] → tile → tile.export (OpenSlideFM two-scale tokens), and job {@code grid}:
 * [manifest] → segment → grid (CLAM/GPFM full grid on the segment step's contours).
 */
@Configuration(proxyBeanMethods = false)
public class TileJobConfiguration {

    @Bean
    Job tileJob(JobRepository repo, PassportStore passports,
                @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                @Qualifier("manifestExportStep") Step export, @Qualifier("tileStep") Step tile,
                @Qualifier("tileExportStep") Step tileExport) {
        return StageJobFlow.build("tile", repo, passports, StageJobFlow.validator(org.slidebatch.tiling.TileParameters.SPEC),
            scan, record, export, tile, tileExport);
    }

    @Bean
    Job gridJob(JobRepository repo, PassportStore passports,
                @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                @Qualifier("manifestExportStep") Step export, @Qualifier("segmentStep") Step segment,
                @Qualifier("gridStep") Step grid) {
        return StageJobFlow.build("grid", repo, passports, StageJobFlow.validator(org.slidebatch.tissue.SegmentParameters.SPEC, org.slidebatch.tiling.GridParameters.SPEC),
            scan, record, export, segment, grid);
    }
}
