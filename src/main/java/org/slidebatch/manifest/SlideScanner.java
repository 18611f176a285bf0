package org.slidebatch.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Recursive scan of the roots for slide files (SPEC §1 extensions), in a stable order: sorted by path. */
public final class SlideScanner {

    public static final Set<String> EXTENSIONS = Set.of(
        ".svs", ".tif", ".tiff", ".ndpi", ".mrxs", ".vms", ".vmu", ".scn", ".bif", ".svslide", ".dcm");

    private SlideScanner() {
    }

    public static boolean isSlideFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.startsWith(".")) {
            return false; // our own temporary files, editor backups
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot));
    }

    /**
     * @param exclude a folder never descended into (the workspace, when it sits under a root)
     */
    public static List<SlideRef> scan(List<Path> roots, Path exclude) {
        List<SlideRef> found = new ArrayList<>();
        Path excluded = exclude == null ? null : exclude.toAbsolutePath().normalize();
        for (Path r : roots) {
            Path root = r.toAbsolutePath().normalize();
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("scan root " + root + " is not a directory");
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return excluded != null && dir.equals(excluded) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && isSlideFile(file)) {
                            found.add(SlideRef.of(root, file));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        // An unreadable folder is not a slide; the file itself, if it is one, fails later with its reason.
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("scanning " + root + " failed", e);
            }
        }
        found.sort(Comparator.comparing(s -> s.path().toString()));
        return found;
    }
}
