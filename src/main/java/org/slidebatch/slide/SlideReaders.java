package org.slidebatch.slide;

import java.nio.file.Path;

/** Opens a slide with the reader a stage asked for (see {@link ReaderChoice}). */
public final class SlideReaders {

    private SlideReaders() {
    }

    public static SlideReader open(Path path, ReaderChoice choice) {
        return switch (choice) {
            case OPENSLIDE -> OpenSlideReader.open(path);
            case FAST -> JpegTileReader.open(path);
            case AUTO -> openAuto(path);
        };
    }

    /** The stage parameter {@code reader} (default auto) already parsed by the caller's parameters. */
    public static SlideReader open(Path path, String choice) {
        return open(path, ReaderChoice.parse(choice));
    }

    private static SlideReader openAuto(Path path) {
        OpenSlideReader os = OpenSlideReader.open(path);
        JpegTileReader.Result r;
        try {
            r = JpegTileReader.wrap(os);
        } catch (RuntimeException e) {
            // a bug or a damaged file our parser trips on must not cost the slide: OpenSlide reads it
            ReadStats.global().openslideSlide("fast reader failed to open: " + e.getClass().getSimpleName());
            return os;
        }
        if (r instanceof JpegTileReader.Wrapped w) {
            return w.reader();
        }
        ReadStats.global().openslideSlide(((JpegTileReader.NotApplicable) r).reason());
        return os;
    }
}
