package org.slidebatch.sampling;

/**
 * Where one patch is read: level-0 top-left {@code x, y}, the pyramid {@code level}, the side in that level's
 * pixels, the side in level-0 pixels ({@code int(patchSize · downsample)}, wsistream's rule), the µm/px at that
 * level (null when the slide has none and none is assumed) and the mask's tissue fraction over the patch.
 */
public record PatchCoordinate(long x, long y, int level, int patchSize, long patchSizeLevel0, Double mpp,
                              double tissueFraction) {
}
