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

    public static CsvTable read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
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
