package org.slidebatch.batch;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

import org.slidebatch.store.SlideRecord;

/**
 * Whether a slide's file is still the one the manifest recorded, before a later step reads it: a file deleted, made
 * unreadable or changed (another size, or modified more than a second away from the recorded time) since the
 * manifest would otherwise be read as if it were the recorded slide, or fail with an error that does not say why.
 * A stat, no read: cheap on every step.
 */
public final class SlideFileCheck {

    private SlideFileCheck() {
    }

    /** @return null when the file is as recorded, else the reason (a clear line for {@code slides}) */
    public static String changedSinceManifest(SlideRecord slide) {
        if (slide.path() == null) {
            return null;
        }
        Path path = Path.of(slide.path());
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return "file deleted since the manifest recorded it: " + path + " (run the manifest again)";
        } catch (AccessDeniedException e) {
            return "file no longer accessible since the manifest recorded it (permission denied): " + path;
        } catch (IOException e) {
            return "file no longer readable since the manifest recorded it: " + path + ": " + e.getMessage();
        }
        if (slide.fileSize() != null && now.size() != slide.fileSize()) {
            return "file changed since the manifest recorded it: " + path + " is " + now.size() + " bytes, the manifest"
                + " recorded " + slide.fileSize() + " (fingerprint " + slide.fingerprint() + "); run the manifest again";
        }
        Instant recorded = slide.mtime();
        Instant modified = now.lastModifiedTime().toInstant();
        if (recorded != null && Math.abs(modified.toEpochMilli() - recorded.toEpochMilli()) > 1000) {
            return "file changed since the manifest recorded it: " + path + " was modified " + modified
                + ", the manifest recorded " + recorded + " (fingerprint " + slide.fingerprint() + "); run the manifest again";
        }
        if (!Files.isReadable(path)) {
            return "file no longer accessible since the manifest recorded it (permission denied): " + path;
        }
        return null;
    }
}
