package org.slidebatch.sampling;

import java.nio.file.Path;

import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.SlideReader;

/** Opens a slide for the stream; {@link #OPENSLIDE} by default, fakes in tests. Must be thread-safe. */
@FunctionalInterface
public interface SlideOpener {

    SlideOpener OPENSLIDE = OpenSlideReader::open;

    SlideReader open(Path path);
}
