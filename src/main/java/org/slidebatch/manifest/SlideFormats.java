package org.slidebatch.manifest;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The slide file formats a scan looks for. Those OpenSlide 3.4.1 (Debian's {@code libopenslide0}) reads, and
 * known whole-slide formats it does not: the latter are still found and recorded (with the reason when
 * OpenSlide cannot open them), never skipped in silence, so a cohort of CZI files does not become an empty manifest.
 */
public final class SlideFormats {

    /** Extensions of the formats OpenSlide 3.4.1 reads (Aperio, Hamamatsu, Leica, MIRAX, Philips, Sakura, Trestle, Ventana, generic TIFF). */
    public static final Set<String> OPENSLIDE = Set.of(
        ".svs", ".tif", ".tiff", ".ndpi", ".mrxs", ".vms", ".vmu", ".scn", ".bif", ".svslide");

    /**
     * Whole-slide formats OpenSlide 3.4.1 does not read, by extension. We still try to open them (a newer
     * OpenSlide may read some: DICOM from 4.0), and record why when it fails.
     */
    public static final Map<String, String> OTHER = Map.of(
        ".dcm", "DICOM WSI",
        ".qptiff", "Akoya/PerkinElmer QPTIFF",
        ".czi", "Zeiss CZI",
        ".vsi", "Olympus/Evident VSI",
        ".isyntax", "Philips iSyntax",
        ".kfb", "KFBIO KFB",
        ".sdpc", "SQRAY SDPC");

    private SlideFormats() {
    }

    static String extension(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot) : "";
    }

    /** A slide file of a format we know (hidden files are our own temporary files or editor backups, never slides). */
    public static boolean isSlideFile(Path p) {
        if (p.getFileName() == null || p.getFileName().toString().startsWith(".")) {
            return false;
        }
        String ext = extension(p);
        return OPENSLIDE.contains(ext) || OTHER.containsKey(ext);
    }

    /** The format's name when it is one OpenSlide 3.4.1 does not read. */
    public static Optional<String> otherFormat(Path p) {
        return Optional.ofNullable(OTHER.get(extension(p)));
    }
}
