package org.slidebatch.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A CSV file as read from another stage's output: a header and string rows (RFC 4180 quoting). Columns are looked
 * up by name so that a reordered file still reads; a missing column is an error naming the file and the column.
 */
public record CsvTable(Path path, List<String> header, List<List<String>> rows) {

    public static CsvTable read(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = parse(text);
        if (records.isEmpty()) {
            throw new IOException(path + ": empty CSV (no header)");
        }
        List<String> header = records.getFirst();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> r = records.get(i);
            if (r.size() == 1 && r.getFirst().isEmpty()) {
                continue; // blank line
            }
            if (r.size() != header.size()) {
                throw new IOException(path + ": line " + (i + 1) + " has " + r.size() + " cells, the header has " + header.size());
            }
            rows.add(r);
        }
        return new CsvTable(path, List.copyOf(header), List.copyOf(rows));
    }

    static List<List<String>> parse(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                out.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                cell.append(c);
            }
        }
        if (any) {
            row.add(cell.toString());
            out.add(row);
        }
        return out;
    }

    public boolean has(String column) {
        return header.contains(column);
    }

    public int column(String name) throws IOException {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IOException(path + ": no column '" + name + "' (columns: " + String.join(", ", header) + ")");
        }
        return i;
    }

    public List<String> strings(String column) throws IOException {
        int c = column(column);
        return rows.stream().map(r -> r.get(c)).toList();
    }

    /** A numeric column; empty cells and "nan"/"None" read as NaN (pandas writes NaN as an empty cell). */
    public double[] doubles(String column) throws IOException {
        int c = column(column);
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = number(rows.get(i).get(c), column, i);
        }
        return v;
    }

    double number(String s, String column, int row) throws IOException {
        String t = s.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("none") || t.equalsIgnoreCase("null")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IOException(path + ": row " + (row + 2) + ", column '" + column + "': not a number: '" + s + "'");
        }
    }

    /** The distinct values of column {@code step_execution_id} (the provenance column every evaluation file has). */
    public List<Long> stepExecutionIds() throws IOException {
        if (!has(Provenance.STEP_EXECUTION_COLUMN)) {
            throw new IOException(path + ": no column '" + Provenance.STEP_EXECUTION_COLUMN + "' (provenance is required)");
        }
        List<Long> ids = new ArrayList<>();
        for (String s : strings(Provenance.STEP_EXECUTION_COLUMN)) {
            OptionalLong id = parseId(s);
            if (id.isEmpty()) {
                throw new IOException(path + ": step_execution_id '" + s + "' is not an id");
            }
            if (!ids.contains(id.getAsLong())) {
                ids.add(id.getAsLong());
            }
        }
        return ids;
    }

    static OptionalLong parseId(String s) {
        try {
            double d = Double.parseDouble(s.trim()); // pandas may write 17.0
            return d == Math.rint(d) && d >= 0 ? OptionalLong.of((long) d) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d rows)", path.getFileName(), rows.size());
    }
}
