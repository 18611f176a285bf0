package org.slidebatch.slide;

/** One pyramid level: its size in its own pixels and its downsample relative to level 0. */
public record LevelInfo(int level, long width, long height, double downsample) {
}
