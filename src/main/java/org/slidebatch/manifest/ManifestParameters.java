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
