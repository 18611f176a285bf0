package org.slidebatch.tissue;

import org.slidebatch.slide.RgbImage;

/**
 * wsistream's tissue detectors (SPEC §3, last paragraph): a per-pixel tissue mask of a thumbnail.
 * The result has {@code width × height} bytes, row-major, 0 (background) or 255 (tissue).
 */
public interface TissueDetector {

    byte[] detect(RgbImage thumbnail);
}
