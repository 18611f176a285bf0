package org.slidebatch.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slidebatch.workspace.AtomicFiles;

/**
 * The scan result of one manifest job instance, frozen in a file so that a restarted run walks exactly the
 * same list in the same order even if files were added to the roots in between (they join the next run).
 */
public final class ScanList {

    private ScanList() {
    }

    public static Path file(Path manifestDir, long jobInstanceId) {
        return manifestDir.resolve(".scan").resolve("instance-" + jobInstanceId + ".tsv");
    }

    public static void write(Path file, List<SlideRef> refs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (SlideRef r : refs) {
            sb.append(r.root()).append('\t').append(r.path()).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    public static List<SlideRef> read(Path file) throws IOException {
        List<SlideRef> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            out.add(SlideRef.of(Path.of(line.substring(0, tab)), Path.of(line.substring(tab + 1))));
        }
        return out;
    }
}
