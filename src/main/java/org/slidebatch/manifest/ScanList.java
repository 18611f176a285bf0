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

    /** First line of a list whose paths are escaped ({@code \\ \t \n \r}): a file name may hold a tab or a newline. */
    static final String ESCAPED = "#slidebatch scan list v2 (escaped)";

    public static void write(Path file, List<SlideRef> refs) throws IOException {
        StringBuilder sb = new StringBuilder(ESCAPED).append('\n');
        for (SlideRef r : refs) {
            sb.append(escape(r.root().toString())).append('\t').append(escape(r.path().toString())).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Reads a list this class wrote; one written before escaping (no first line) is read as it was written. */
    public static List<SlideRef> read(Path file) throws IOException {
        List<SlideRef> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean escaped = !lines.isEmpty() && lines.getFirst().equals(ESCAPED);
        for (String line : escaped ? lines.subList(1, lines.size()) : lines) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IOException(file + ": line without a tab (not a scan list): " + line);
            }
            String root = line.substring(0, tab);
            String path = line.substring(tab + 1);
            out.add(escaped ? SlideRef.of(Path.of(unescape(root)), Path.of(unescape(path)))
                : SlideRef.of(Path.of(root), Path.of(path)));
        }
        return out;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
