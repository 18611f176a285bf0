package org.slidebatch.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.SlideException;
import org.slidebatch.store.ScanIssue;
import org.slidebatch.store.SlideRecord;

/** The scan follows links without looping and records everything it cannot use, with the reason. */
class SlideScannerTest {

    @TempDir
    Path tmp;

    private Path file(String rel) throws IOException {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "not really a slide: " + rel);
        return p;
    }

    private static List<String> paths(List<SlideRef> refs) {
        return refs.stream().map(r -> r.path().toString()).toList();
    }

    @Test
    void symlinkedSlideFileIsFollowedAndKeepsItsOwnIdAndFolder() throws IOException {
        Path real = file("elsewhere/TCGA-1.svs");
        Path root = Files.createDirectories(tmp.resolve("root/BRCA"));
        Path link = Files.createSymbolicLink(root.resolve("TCGA-1.svs"), real);
        SlideScanner.Result r = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, SlideScanner.LOCAL);
        assertThat(paths(r.slides())).containsExactly(link.toString());
        assertThat(r.slides().getFirst().slideId()).isEqualTo("TCGA-1");
        assertThat(r.slides().getFirst().cancerCode()).isEqualTo("BRCA");
        assertThat(r.issues()).isEmpty();
    }

    @Test
    void symlinkedFolderIsFollowed() throws IOException {
        file("store/LUAD/a.svs");
        file("store/LUAD/b.ndpi");
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createSymbolicLink(root.resolve("LUAD"), tmp.resolve("store/LUAD"));
        SlideScanner.Result r = SlideScanner.scanAll(List.of(root), null, SlideScanner.LOCAL);
        assertThat(paths(r.slides())).containsExactly(root.resolve("LUAD/a.svs").toString(), root.resolve("LUAD/b.ndpi").toString());
        assertThat(r.slides()).extracting(SlideRef::cancerCode).containsOnly("LUAD");
        assertThat(r.issues()).isEmpty();
    }

    @Test
    void symlinkLoopEndsAndIsRecorded() throws IOException {
        Path slide = file("root/COAD/c.svs");
        Path loop = Files.createSymbolicLink(tmp.resolve("root/COAD/again"), tmp.resolve("root"));
        SlideScanner.Result r = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, SlideScanner.LOCAL);
        assertThat(paths(r.slides())).containsExactly(slide.toString());
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(ScanIssue.SYMLINK_LOOP);
            assertThat(i.path()).isEqualTo(loop.toString());
            assertThat(i.reason()).isEqualTo("link back to its own ancestor folder " + tmp.resolve("root") + "; not followed again");
        });
    }

    @Test
    void sameFileThroughTwoLinksIsRecordedOnceAndTheSecondSaysSo() throws IOException {
        Path a = file("root/a/x.svs");
        Path viaLink = Files.createSymbolicLink(tmp.resolve("root/b"), tmp.resolve("root/a"));
        SlideScanner.Result r = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, SlideScanner.LOCAL);
        assertThat(paths(r.slides())).containsExactly(a.toString());
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(ScanIssue.SAME_FILE);
            assertThat(i.path()).isEqualTo(viaLink.toString());
            assertThat(i.reason()).contains("the same folder as " + tmp.resolve("root/a"));
        });
    }

    @Test
    void danglingLinkToASlideIsRecorded() throws IOException {
        Path dangling = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("root")).resolve("gone.svs"),
            tmp.resolve("nowhere.svs"));
        SlideScanner.Result r = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, SlideScanner.LOCAL);
        assertThat(r.slides()).isEmpty();
        assertThat(r.issues()).containsExactly(new ScanIssue(dangling.toString(), "gone", ScanIssue.BROKEN_LINK,
            "symbolic link to nothing: no such file"));
    }

    @Test
    void unreadableFolderGetsARecordedReason() throws IOException {
        Path ok = file("root/ok/y.svs");
        file("root/locked/z.svs");
        Path locked = tmp.resolve("root/locked");
        // Tests run as root here, and root lists a chmod 000 folder anyway: deny it through the scan's file system view.
        SlideScanner.FileSystemView denying = new SlideScanner.FileSystemView() {
            @Override
            public List<Path> list(Path dir) throws IOException {
                if (dir.equals(locked)) {
                    throw new AccessDeniedException(dir.toString());
                }
                return SlideScanner.LOCAL.list(dir);
            }

            @Override
            public BasicFileAttributes attributes(Path p, boolean followLinks) throws IOException {
                return SlideScanner.LOCAL.attributes(p, followLinks);
            }
        };
        SlideScanner.Result r = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, denying);
        assertThat(paths(r.slides())).containsExactly(ok.toString());
        assertThat(r.issues()).containsExactly(new ScanIssue(locked.toString(), null, ScanIssue.UNREADABLE_FOLDER,
            "cannot list folder: permission denied"));

        // Where the permission bits do bind (not root), the real file system gives the same row.
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            if (!Files.isReadable(locked)) {
                SlideScanner.Result real = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, SlideScanner.LOCAL);
                assertThat(real.issues()).extracting(ScanIssue::kind).containsExactly(ScanIssue.UNREADABLE_FOLDER);
            }
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void twoFilesWithTheSameIdBothGetAnOutcome() throws IOException {
        Path first = file("root/a/x.svs");
        Path second = file("root/b/x.tiff");
        SlideScanner.Result r = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, SlideScanner.LOCAL);
        assertThat(paths(r.slides())).containsExactly(first.toString());
        assertThat(r.issues()).containsExactly(new ScanIssue(second.toString(), "x", ScanIssue.DUPLICATE_ID,
            "slide id 'x' is already used by " + first + " (the first in path order keeps it; rename one file to keep both)"));
    }

    @Test
    void knownFormatsOpenSlideCannotReadAreFoundNotSkipped() throws IOException {
        Path qptiff = file("root/m.qptiff");
        Path czi = file("root/n.CZI");
        file("root/notes.txt");
        file("root/.tmp-x.svs");
        SlideScanner.Result r = SlideScanner.scanAll(List.of(tmp.resolve("root")), null, SlideScanner.LOCAL);
        assertThat(paths(r.slides())).containsExactly(qptiff.toString(), czi.toString());
        assertThat(SlideFormats.otherFormat(qptiff)).contains("Akoya/PerkinElmer QPTIFF");
        assertThat(SlideFormats.otherFormat(tmp.resolve("x.svs"))).isEmpty();
    }

    @Test
    void qptiffGetsAnUnsupportedFormatRowWithTheReason() throws IOException {
        Path qptiff = file("root/m.qptiff");
        SlideRef ref = SlideRef.of(tmp.resolve("root"), qptiff);
        ManifestInspector inspector = new ManifestInspector(Map.of(), false, p -> {
            throw new SlideException(p, "not a slide format OpenSlide 3.4.1 recognises");
        });
        SlideRecord row = inspector.inspect(ref);
        assertThat(row.slideId()).isEqualTo("m");
        assertThat(row.status()).isEqualTo(SlideRecord.UNSUPPORTED_FORMAT);
        assertThat(row.fingerprint()).startsWith("QSHA1:");
        assertThat(row.error()).startsWith("Akoya/PerkinElmer QPTIFF (.qptiff) is not a format ")
            .contains("(not a slide format OpenSlide 3.4.1 recognises); convert it to a pyramidal TIFF to use it");
        assertThat(row.recordedAt()).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void qptiffWithTheRealLibraryIsUnsupportedNotUnopenable() throws IOException {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        Path qptiff = file("root/m.qptiff");
        SlideRecord row = new ManifestInspector(Map.of(), false, OpenSlideReader::open)
            .inspect(SlideRef.of(tmp.resolve("root"), qptiff));
        assertThat(row.status()).isEqualTo(SlideRecord.UNSUPPORTED_FORMAT);
        assertThat(row.error()).startsWith("Akoya/PerkinElmer QPTIFF (.qptiff) is not a format OpenSlide "
            + OpenSlideReader.libraryVersion() + " reads (");
    }
}
