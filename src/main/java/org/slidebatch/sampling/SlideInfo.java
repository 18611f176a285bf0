package org.slidebatch.sampling;

import java.nio.file.Path;

/**
 * Slide metadata carried with every patch: id (file name without extension), path, vendor, level-0 size, level
 * count, level-0 µm/px (null when unknown and not assumed) and where it came from ({@code assume_mpp} when the
 * configured assumption was used), and the fraction of the thumbnail mask that is tissue.
 */
public record SlideInfo(String slideId, Path path, String vendor, long width, long height, int levelCount,
                        Double mpp, String mppSource, double maskTissueFraction) {
}
