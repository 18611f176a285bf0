package org.slidebatch.evaluate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small CSV table (header row, RFC 4180 quotes, optional UTF-8 BOM) for label files and metric inputs. Errors
 * name the file and the 1-based line so a bad row can be found.
 */
public final class CsvTable {

    private final Path file;
    private final List<String> header;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String[]> rows;
    private final List<Integer> lines;

    private CsvTable(Path file, List<String> header, List<String[]> rows, List<Integer> lines) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
        for (int i = 0; i < header.size(); i++) {
            index.put(header.get(i), i);
        }
    }

    /** The file as UTF-8; bytes that are not UTF-8 are refused naming the file, the line and the byte. */
    static String utf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            // find the first bad byte: decode growing prefixes is slow; walk the UTF-8 structure instead
            int at = firstBadUtf8(bytes);
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new IllegalArgumentException(file + " line " + line + ": not UTF-8 text (byte 0x"
                + String.format("%02X", bytes[at] & 0xff) + " at offset " + at + "); save the file as UTF-8");
        }
    }

    private static int firstBadUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            if (n < 0) {
                return i;
            }
            for (int k = 1; k <= n; k++) {
                if (i + k >= b.length || (b[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += n + 1;
        }
        return Math.max(0, b.length - 1);
    }

    public static CsvTable read(Path file) throws IOException {
        String text = utf8(file);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String[]> records = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        int line = 1;
        int pos = 0;
        while (pos < text.length()) {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            int startLine = line;
            while (pos < text.length()) {
                char ch = text.charAt(pos++);
                if (quoted) {
                    if (ch == '"') {
                        if (pos < text.length() && text.charAt(pos) == '"') {
                            cell.append('"');
                            pos++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (ch == '\n') {
                            line++;
                        }
                        cell.append(ch);
                    }
                } else if (ch == '"') {
                    quoted = true;
                } else if (ch == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r' && pos < text.length() && text.charAt(pos) == '\n') {
                        pos++;
                    }
                    line++;
                    break;
                } else {
                    cell.append(ch);
                }
            }
            cells.add(cell.toString());
            if (cells.size() == 1 && cells.get(0).isBlank()) {
                continue; // blank line
            }
            records.add(cells.toArray(String[]::new));
            lines.add(startLine);
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty file, expected a header row");
        }
        List<String> header = new ArrayList<>();
        for (String h : records.get(0)) {
            header.add(h.trim());
        }
        for (int r = 1; r < records.size(); r++) {
            if (records.get(r).length != header.size()) {
                throw new IllegalArgumentException(file + " line " + lines.get(r) + ": " + records.get(r).length
                    + " cells, the header has " + header.size());
            }
        }
        return new CsvTable(file, header, records.subList(1, records.size()), lines.subList(1, lines.size()));
    }

    public Path file() {
        return file;
    }

    public List<String> header() {
        return header;
    }

    public int size() {
        return rows.size();
    }

    public boolean has(String column) {
        return index.containsKey(column);
    }

    /** The 1-based line of data row {@code r} in the file. */
    public int line(int r) {
        return lines.get(r);
    }

    public String get(int r, String column) {
        Integer c = index.get(column);
        if (c == null) {
            throw new IllegalArgumentException(file + ": no column '" + column + "' (columns: " + String.join(", ", header) + ")");
        }
        return rows.get(r)[c].trim();
    }

    public void require(String... columns) {
        for (String c : columns) {
            if (!has(c)) {
                throw new IllegalArgumentException(file + ": no column '" + c + "' (columns: " + String.join(", ", header) + ")");
            }
        }
    }

    public int intAt(int r, String column) {
        String v = get(r, column);
        try {
            double d = Double.parseDouble(v);
            if (d != Math.rint(d)) {
                throw new NumberFormatException();
            }
            return (int) d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line(r) + ": column '" + column
                + "' must be an integer, got '" + v + "'");
        }
    }

    public double doubleAt(int r, String column) {
        String v = get(r, column);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line(r) + ": column '" + column
                + "' must be a number, got '" + v + "'");
        }
    }

    public int[] ints(String column) {
        require(column);
        int[] out = new int[size()];
        for (int r = 0; r < size(); r++) {
            out[r] = intAt(r, column);
        }
        return out;
    }

    public double[] doubles(String column) {
        require(column);
        double[] out = new double[size()];
        for (int r = 0; r < size(); r++) {
            out[r] = doubleAt(r, column);
        }
        return out;
    }
}
