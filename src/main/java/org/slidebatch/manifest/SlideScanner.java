package org.slidebatch.manifest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slidebatch.store.ScanIssue;

/**
 * Recursive scan of the roots for slide files ({@link SlideFormats}), in a stable order (sorted by path), that
 * loses nothing quietly. Symbolic links to slides and to folders are followed; a link back to an ancestor folder
 * is not followed again and a folder or file reached a second time through links is recorded once; a folder that
 * cannot be listed, a dangling link and a second file with an already used slide id each become a
 * {@link ScanIssue} with its reason. Of two files with the same slide id the first in path order keeps the id:
 * ids join slides to labels, so renaming one silently (x, x~2) would attach labels to the wrong file.
 */
public final class SlideScanner {

    /** What a scan found: slide files (unique slide ids) and what it could not use. */
    public record Result(List<SlideRef> slides, List<ScanIssue> issues) {
    }

    /** The file system calls of a scan; tests replace it to deny a folder even to root. */
    public interface FileSystemView {
        List<Path> list(Path dir) throws IOException;

        BasicFileAttributes attributes(Path p, boolean followLinks) throws IOException;
    }

    public static final FileSystemView LOCAL = new FileSystemView() {
        @Override
        public List<Path> list(Path dir) throws IOException {
            List<Path> out = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                s.forEach(out::add);
            }
            return out;
        }

        @Override
        public BasicFileAttributes attributes(Path p, boolean followLinks) throws IOException {
            return followLinks ? Files.readAttributes(p, BasicFileAttributes.class)
                : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
    };

    private SlideScanner() {
    }

    public static boolean isSlideFile(Path p) {
        return SlideFormats.isSlideFile(p);
    }

    /** The slide files alone (for commands that only read slides, e.g. {@code stream}). */
    public static List<SlideRef> scan(List<Path> roots, Path exclude) {
        return scanAll(roots, exclude, LOCAL).slides();
    }

    /**
     * @param exclude a folder never descended into (the workspace, when it sits under a root)
     */
    public static Result scanAll(List<Path> roots, Path exclude, FileSystemView fs) {
        Walk walk = new Walk(fs, exclude == null ? null : exclude.toAbsolutePath().normalize());
        for (Path r : roots) {
            Path root = r.toAbsolutePath().normalize();
            BasicFileAttributes attrs;
            try {
                attrs = fs.attributes(root, true);
            } catch (IOException e) {
                throw new IllegalArgumentException("scan root " + root + " is not a directory (" + reason(e) + ")");
            }
            if (!attrs.isDirectory()) {
                throw new IllegalArgumentException("scan root " + root + " is not a directory");
            }
            Object key = walk.key(root, attrs);
            if (walk.visitedFolders.putIfAbsent(key, root) == null) {
                walk.folder(root, root, new ArrayDeque<>(List.of(key)));
            }
        }
        return walk.result();
    }

    private static final class Walk {
        private final FileSystemView fs;
        private final Path excluded;
        private final Map<Object, Path> visitedFolders = new HashMap<>();
        private final Map<Object, Path> visitedFiles = new HashMap<>();
        private final List<SlideRef> found = new ArrayList<>();
        private final List<ScanIssue> issues = new ArrayList<>();

        Walk(FileSystemView fs, Path excluded) {
            this.fs = fs;
            this.excluded = excluded;
        }

        /** The identity of a file or folder behind any links: (device, inode) where the file system has one. */
        Object key(Path p, BasicFileAttributes attrs) {
            if (attrs.fileKey() != null) {
                return attrs.fileKey();
            }
            try {
                return p.toRealPath();
            } catch (IOException e) {
                return p;
            }
        }

        void folder(Path dir, Path root, Deque<Object> ancestors) {
            List<Path> entries;
            try {
                entries = new ArrayList<>(fs.list(dir));
            } catch (IOException e) {
                issues.add(ScanIssue.of(dir, null, ScanIssue.UNREADABLE_FOLDER, "cannot list folder: " + reason(e)));
                return;
            }
            entries.sort(Comparator.comparing(Path::toString));
            for (Path entry : entries) {
                visit(entry, root, ancestors);
            }
        }

        void visit(Path entry, Path root, Deque<Object> ancestors) {
            BasicFileAttributes attrs;
            try {
                attrs = fs.attributes(entry, true);
            } catch (IOException followFailed) {
                try {
                    if (fs.attributes(entry, false).isSymbolicLink()) {
                        issues.add(ScanIssue.of(entry, isSlideFile(entry) ? SlideRef.of(root, entry).slideId() : null,
                            ScanIssue.BROKEN_LINK, "symbolic link to nothing: " + reason(followFailed)));
                    }
                } catch (IOException gone) {
                    // removed while we listed its folder: not there, nothing to record
                }
                return;
            }
            if (attrs.isDirectory()) {
                if (excluded != null && entry.normalize().equals(excluded)) {
                    return;
                }
                Object key = key(entry, attrs);
                if (ancestors.contains(key)) {
                    issues.add(ScanIssue.of(entry, null, ScanIssue.SYMLINK_LOOP,
                        "link back to its own ancestor folder " + visitedFolders.get(key) + "; not followed again"));
                    return;
                }
                Path first = visitedFolders.putIfAbsent(key, entry);
                if (first != null) {
                    issues.add(ScanIssue.of(entry, null, ScanIssue.SAME_FILE,
                        "the same folder as " + first + " (reached through a symbolic link); its slides are recorded once"));
                    return;
                }
                ancestors.push(key);
                folder(entry, root, ancestors);
                ancestors.pop();
            } else if (attrs.isRegularFile() && isSlideFile(entry)) {
                Path first = visitedFiles.putIfAbsent(key(entry, attrs), entry);
                if (first != null) {
                    issues.add(ScanIssue.of(entry, SlideRef.of(root, entry).slideId(), ScanIssue.SAME_FILE,
                        "the same file as " + first + " (reached through a symbolic link); recorded once"));
                    return;
                }
                found.add(SlideRef.of(root, entry));
            }
        }

        Result result() {
            found.sort(Comparator.comparing(s -> s.path().toString()));
            Map<String, SlideRef> byId = new LinkedHashMap<>();
            List<SlideRef> unique = new ArrayList<>();
            for (SlideRef s : found) {
                SlideRef first = byId.putIfAbsent(s.slideId(), s);
                if (first == null) {
                    unique.add(s);
                } else {
                    issues.add(ScanIssue.of(s.path(), s.slideId(), ScanIssue.DUPLICATE_ID, "slide id '" + s.slideId()
                        + "' is already used by " + first.path() + " (the first in path order keeps it; rename one file to keep both)"));
                }
            }
            Set<String> seen = new HashSet<>();
            List<ScanIssue> sorted = issues.stream().filter(i -> seen.add(i.path()))
                .sorted(Comparator.comparing(ScanIssue::path)).toList();
            return new Result(List.copyOf(unique), sorted);
        }
    }

    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        String simple = e.getClass().getSimpleName();
        return e.getMessage() == null ? simple : simple + ": " + e.getMessage();
    }
}
