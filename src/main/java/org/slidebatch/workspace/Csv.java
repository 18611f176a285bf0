package org.slidebatch.workspace;

/** One CSV line (RFC 4180 quoting) for the tables stages write beside their Parquet files. */
public final class Csv {

    private Csv() {
    }

    /** The values joined by commas, null as empty, ending with a newline. */
    public static String line(Object... values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(values[i]));
        }
        return sb.append('\n').toString();
    }

    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
