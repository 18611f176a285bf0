package org.slidebatch.sampling;

import java.nio.file.Path;

import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.ReaderChoice;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.slide.SlideReaders;

/** Opens a slide for the stream; {@code of(ReaderChoice.DEFAULT)} by default, fakes in tests. Must be thread-safe. */
@FunctionalInterface
public interface SlideOpener {

    SlideOpener OPENSLIDE = OpenSlideReader::open;

    /** The reader a {@code reader=} parameter or {@code --reader} option names. */
    static SlideOpener of(ReaderChoice choice) {
        return path -> SlideReaders.open(path, choice);
    }

    SlideReader open(Path path);
}
