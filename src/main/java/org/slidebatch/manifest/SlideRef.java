package org.slidebatch.manifest;

import java.nio.file.Path;

/**
 * A slide file found by the scan: its path, the scan root it was found under, its slide id (file name
 * without extension) and cancer code (first folder below the root, OpenSlideFM's rule; UNKNOWN at top level).
 */
public record SlideRef(Path path, Path root, String slideId, String cancerCode) {

    public static SlideRef of(Path root, Path file) {
        Path rel = root.relativize(file);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String id = dot > 0 ? name.substring(0, dot) : name;
        String code = rel.getNameCount() >= 2 ? rel.getName(0).toString() : "UNKNOWN";
        return new SlideRef(file, root, id, code);
    }
}
