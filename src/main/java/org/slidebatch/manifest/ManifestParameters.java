package org.slidebatch.manifest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * The manifest job's parameters: {@code roots} (comma-separated folders), {@code checksum}
 * ({@code quick}, OpenSlideFM's sha1_quick, or {@code full}, which adds SHA-256 of the whole file) and
 * {@code mpp_csv} (optional per-slide µm/px overrides).
 */
public record ManifestParameters(List<Path> roots, boolean fullChecksum, Path mppCsv) {

    public static final java.util.Set<String> NAMES = java.util.Set.of("roots", "checksum", "mpp_csv");
    public static final org.slidebatch.batch.StageParameters<ManifestParameters> SPEC =
        org.slidebatch.batch.StageParameters.of("manifest", NAMES, ManifestParameters::from);
    /** The manifest steps of a stage job: they run (and their parameters are checked) only when roots are given. */
    public static final org.slidebatch.batch.StageParameters<ManifestParameters> IF_ROOTS =
        org.slidebatch.batch.StageParameters.of("manifest", NAMES, p -> p.getString("roots") == null ? null : from(p));

    public static ManifestParameters from(JobParameters p) {
        String roots = p.getString("roots");
        if (roots == null || roots.isBlank()) {
            throw new IllegalArgumentException("the manifest needs roots=PATH[,PATH] (folders to scan for slides)");
        }
        String checksum = p.getString("checksum", "quick");
        if (!checksum.equals("quick") && !checksum.equals("full")) {
            throw new IllegalArgumentException("checksum must be quick or full, got " + checksum);
        }
        String csv = p.getString("mpp_csv");
        return new ManifestParameters(
            Arrays.stream(roots.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList(),
            checksum.equals("full"), csv == null || csv.isBlank() ? null : Path.of(csv));
    }
}
