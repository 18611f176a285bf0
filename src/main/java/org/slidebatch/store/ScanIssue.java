package org.slidebatch.store;

import java.nio.file.Path;

/**
 * Something a manifest scan found but could not turn into a slide row, with the reason: a second file with a
 * slide id already taken ({@code duplicate_id}), the same file reached twice through symbolic links
 * ({@code same_file}), a folder it could not list ({@code unreadable_folder}), a link back to one of its own
 * ancestor folders ({@code symlink_loop}) or a link to nothing ({@code broken_link}). {@code slideId} is null for folders.
 */
public record ScanIssue(String path, String slideId, String kind, String reason) {

    public static final String DUPLICATE_ID = "duplicate_id";
    public static final String SAME_FILE = "same_file";
    public static final String UNREADABLE_FOLDER = "unreadable_folder";
    public static final String SYMLINK_LOOP = "symlink_loop";
    public static final String BROKEN_LINK = "broken_link";

    public static ScanIssue of(Path path, String slideId, String kind, String reason) {
        return new ScanIssue(path.toString(), slideId, kind, reason);
    }
}
