package org.slidebatch.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slidebatch.workspace.EmbeddedDatabase;
import org.slidebatch.workspace.Workspace;

import com.jerolba.carpet.CarpetReader;

/**
 * The fault-injection harness: runs a job uninterrupted with every crash point traced
 * ({@code -Dslidebatch.debug.crash-trace=true}, see {@code workspace.CrashPoints}), draws {@code kills} moments from
 * that trace with a seed (one in each of {@code kills} equal stretches of the run, so every step gets its share),
 * then runs the same job in a second workspace, kill -9 the JVM as it reaches each drawn moment (the process stops
 * there until the kill arrives), restarts it each time until it completes, and compares the two workspaces: every
 * output file byte for byte (Parquet: row by row), every result row in the database, every per-slide step's slides
 * written exactly once. Work redone = crash points reached in the faulted run beyond those of the uninterrupted one.
 *
 * <p>Files that name their run (a {@code step_execution_id} column, a timestamp, the workspace's path, an HTML
 * report's provenance blocks) are compared again with exactly that masked ({@link #maskText}); the figure of
 * per-step throughput, drawn from measured durations, is listed and not compared. Two uninterrupted runs compared
 * this way show no difference ({@code FaultInjectionMain DIR 0 …}), so the masks hide nothing a crash could change.
 */
public final class FaultInjection {

    private static final Pattern HIT = Pattern.compile("^\\[crash-point] hit (.+)$");
    private static final Pattern PAUSE = Pattern.compile("^\\[crash-point] pause (.+)$");
    private static final Pattern STEP = Pattern.compile("^\\[([a-z0-9_.]+)(?::partition\\d+)?]");

    /** What a run of the harness found. */
    public record Report(int planned, int killsMade, int killsSurvived, List<String> killedAt, Map<String, Integer> killsByStep,
                         int filesCompared, int filesIdentical, int parquetFilesComparedByRows, int filesEqualMasked,
                         List<String> filesMeasured, List<String> fileDifferences,
                         int rowsCompared, List<String> rowDifferences, Map<String, long[]> slideWritesByStep,
                         Map<String, Integer> workRedoneByKind, int referencePoints, int faultedPoints,
                         double referenceSeconds, double faultedSeconds) {

        public String json() {
            StringBuilder sb = new StringBuilder("{\n");
            sb.append("  \"kills_planned\": ").append(planned).append(",\n");
            sb.append("  \"kills_made\": ").append(killsMade).append(",\n");
            sb.append("  \"kills_survived\": ").append(killsSurvived).append(",\n");
            sb.append("  \"kills_by_step\": ").append(mapJson(killsByStep)).append(",\n");
            sb.append("  \"killed_at\": [").append(killedAt.stream().map(FaultInjection::quote).collect(Collectors.joining(", "))).append("],\n");
            sb.append("  \"files_compared\": ").append(filesCompared).append(",\n");
            sb.append("  \"files_byte_identical\": ").append(filesIdentical).append(",\n");
            sb.append("  \"parquet_files_equal_by_rows\": ").append(parquetFilesComparedByRows).append(",\n");
            sb.append("  \"files_equal_with_provenance_masked\": ").append(filesEqualMasked).append(",\n");
            sb.append("  \"files_of_measured_times_not_compared\": [").append(filesMeasured.stream().map(FaultInjection::quote)
                .collect(Collectors.joining(", "))).append("],\n");
            sb.append("  \"file_differences\": [").append(fileDifferences.stream().map(FaultInjection::quote).collect(Collectors.joining(", "))).append("],\n");
            sb.append("  \"db_rows_compared\": ").append(rowsCompared).append(",\n");
            sb.append("  \"db_row_differences\": [").append(rowDifferences.stream().map(FaultInjection::quote).collect(Collectors.joining(", "))).append("],\n");
            sb.append("  \"slide_writes_by_step\": {").append(slideWritesByStep.entrySet().stream()
                .map(e -> quote(e.getKey()) + ": {\"reference\": " + e.getValue()[0] + ", \"faulted\": " + e.getValue()[1] + "}")
                .collect(Collectors.joining(", "))).append("},\n");
            sb.append("  \"work_redone_by_kind\": ").append(mapJson(workRedoneByKind)).append(",\n");
            int slides = workRedoneByKind.entrySet().stream().filter(e -> e.getKey().startsWith("chunk-commit")).mapToInt(Map.Entry::getValue).sum();
            int steps = workRedoneByKind.getOrDefault("train-step", 0);
            sb.append("  \"slide_chunks_redone\": ").append(slides).append(",\n");
            sb.append("  \"train_steps_redone\": ").append(steps).append(",\n");
            sb.append("  \"work_redone_per_kill\": ").append(String.format(Locale.ROOT, "%.2f",
                killsMade == 0 ? 0.0 : (faultedPoints - referencePoints) / (double) killsMade)).append(",\n");
            sb.append("  \"crash_points_reference\": ").append(referencePoints).append(",\n");
            sb.append("  \"crash_points_faulted\": ").append(faultedPoints).append(",\n");
            sb.append(String.format(Locale.ROOT, "  \"reference_seconds\": %.1f,%n  \"faulted_seconds\": %.1f%n}%n",
                referenceSeconds, faultedSeconds));
            return sb.toString();
        }
    }

    private final Path reference;
    private final Path faulted;
    private final String job;
    private final List<String> runArgs;
    private final String heap;
    private final Duration perProcess;

    /**
     * @param runArgs what follows {@code run JOB} ({@code --param k=v …}); the harness adds {@code --workspace}
     */
    public FaultInjection(Path dir, String job, List<String> runArgs, String heap, Duration perProcess) {
        this.reference = dir.resolve("ws-reference");
        this.faulted = dir.resolve("ws-faulted");
        this.job = job;
        this.runArgs = runArgs;
        this.heap = heap;
        this.perProcess = perProcess;
    }

    private String[] run(Path ws) {
        List<String> a = new ArrayList<>(List.of("--workspace", ws.toString(), "run", job));
        a.addAll(runArgs);
        return a.toArray(String[]::new);
    }

    private static List<String> jvm(Path pauseFile) {
        List<String> o = new ArrayList<>(List.of("-Dslidebatch.debug.crash-trace=true"));
        if (pauseFile != null) {
            o.add("-Dslidebatch.debug.crash-points=" + pauseFile);
        }
        return o;
    }

    /** A crash point hit, with the step that printed the last progress line before it. */
    record Hit(String id, String step) {
    }

    static List<Hit> hits(String output) {
        List<Hit> out = new ArrayList<>();
        String step = "?";
        for (String line : output.split("\n")) {
            Matcher h = HIT.matcher(line);
            if (h.find()) {
                out.add(new Hit(h.group(1), step));
                continue;
            }
            Matcher s = STEP.matcher(line);
            if (s.find() && !line.startsWith("[crash-point]") && !line.startsWith("[slidebatch]")) {
                step = s.group(1).replace(".slides", "");
            }
        }
        return out;
    }

    public Report run(int kills, long seed) throws Exception {
        return run(kills, seed, false);
    }

    /**
     * @param everyKind also one moment of each kind of crash point the stretches missed ({@link #kind}: a chunk
     *                  commit of each step, a write and a rename in each output folder, a training checkpoint's write
     *                  and rename, a training step), so no kind of moment goes untested whatever the seed
     */
    public Report run(int kills, long seed, boolean everyKind) throws Exception {
        long t0 = System.nanoTime();
        CliProcess ref = CliProcess.run(List.of(), jvm(null), heap, perProcess, run(reference));
        if (ref.exitCode() != 0) {
            throw new AssertionError("the uninterrupted run failed:\n" + ref.output());
        }
        double refSeconds = (System.nanoTime() - t0) / 1e9;
        List<Hit> trace = hits(ref.output());
        // One moment drawn in each of `kills` equal stretches of the trace (first occurrences of each id).
        Map<String, Hit> first = new LinkedHashMap<>();
        for (Hit h : trace) {
            first.putIfAbsent(h.id(), h);
        }
        List<Hit> distinct = new ArrayList<>(first.values());
        Random rnd = new Random(seed);
        Set<String> targets = new LinkedHashSet<>();
        Map<String, String> stepOf = new TreeMap<>();
        for (int i = 0; i < kills && !distinct.isEmpty(); i++) {
            int lo = (int) ((long) i * distinct.size() / kills);
            int hi = (int) Math.max(lo + 1, (long) (i + 1) * distinct.size() / kills);
            Hit h = distinct.get(lo + rnd.nextInt(hi - lo));
            targets.add(h.id());
            stepOf.put(h.id(), h.step());
        }
        if (everyKind && kills > 0) {
            Set<String> drawn = targets.stream().map(FaultInjection::kind).collect(Collectors.toSet());
            Map<String, List<Hit>> byKind = distinct.stream().collect(Collectors.groupingBy(h -> kind(h.id()),
                LinkedHashMap::new, Collectors.toList()));
            byKind.forEach((k, hs) -> {
                if (!drawn.contains(k)) {
                    Hit h = hs.get(rnd.nextInt(hs.size()));
                    targets.add(h.id());
                    stepOf.put(h.id(), h.step());
                }
            });
        }
        int planned = targets.size();

        long t1 = System.nanoTime();
        Path pauseFile = faulted.resolveSibling("crash-points.txt");
        Files.createDirectories(faulted);
        List<String> killedAt = new ArrayList<>();
        Map<String, Integer> killsByStep = new TreeMap<>();
        List<Hit> faultedTrace = new ArrayList<>();
        boolean first0 = true;
        long deadline = System.getenv("FAULT_DEADLINE_S") == null ? Long.MAX_VALUE
            : t1 + Long.parseLong(System.getenv("FAULT_DEADLINE_S")) * 1_000_000_000L;
        while (true) {
            if (System.nanoTime() > deadline) {
                targets.clear();   // out of time: no more kills, let the run complete and compare
            }
            Files.write(pauseFile, targets, StandardCharsets.UTF_8);
            String[] args;
            List<Long> executions = first0 ? List.of() : new RepositoryQueries(faulted).executionIds(job);
            first0 = false;
            if (executions.isEmpty()) {
                // first launch, or a kill before the job's execution existed: `run` again (it removes such an instance)
                args = run(faulted);
            } else {
                args = new String[] {"--workspace", faulted.toString(), "restart", Long.toString(executions.getLast())};
            }
            CliProcess p = CliProcess.start(List.of(), jvm(pauseFile), heap, Map.of(), 0, args);
            String paused;
            try {
                String line = p.awaitLineOrExit(l -> PAUSE.matcher(l).find(), perProcess);
                if (line == null) {
                    // the process ended on its own
                    faultedTrace.addAll(hits(p.output()));
                    if (p.exitCode() != 0) {
                        throw new AssertionError("a restart did not complete (exit " + p.exitCode() + "):\n" + p.output());
                    }
                    break;
                }
                Matcher m = PAUSE.matcher(line);
                m.find();
                paused = m.group(1);
                p.kill9();
            } finally {
                p.close();
            }
            faultedTrace.addAll(hits(p.output()));
            killedAt.add(paused);
            killsByStep.merge(stepOf.getOrDefault(paused, "?"), 1, Integer::sum);
            targets.remove(paused);
        }
        double faultedSeconds = (System.nanoTime() - t1) / 1e9;

        // Compare files.
        List<String> fileDiffs = new ArrayList<>();
        int[] counts = new int[4];
        List<String> measured = new ArrayList<>();
        compareFiles(fileDiffs, counts, measured);
        // Compare database result rows.
        List<String> rowDiffs = new ArrayList<>();
        int rows = compareRows(rowDiffs);
        // Slides written exactly once per per-slide step.
        Map<String, long[]> writes = new TreeMap<>();
        Map<String, Long> refW = partitionWrites(reference);
        Map<String, Long> fauW = partitionWrites(faulted);
        for (String s : refW.keySet()) {
            writes.put(s, new long[] {refW.get(s), fauW.getOrDefault(s, -1L)});
        }
        for (String s : fauW.keySet()) {
            writes.putIfAbsent(s, new long[] {-1L, fauW.get(s)});
        }
        // Work redone by crash-point kind.
        Map<String, Integer> redone = new TreeMap<>();
        Map<String, Long> refKinds = trace.stream().collect(Collectors.groupingBy(h -> kind(h.id()), Collectors.counting()));
        Map<String, Long> fauKinds = faultedTrace.stream().collect(Collectors.groupingBy(h -> kind(h.id()), Collectors.counting()));
        for (String k : fauKinds.keySet()) {
            redone.put(k, (int) (fauKinds.get(k) - refKinds.getOrDefault(k, 0L)));
        }
        boolean allSurvived = fileDiffs.isEmpty() && rowDiffs.isEmpty()
            && writes.values().stream().allMatch(w -> w[0] == w[1]);
        return new Report(planned, killedAt.size(), allSurvived ? killedAt.size() : 0, killedAt, killsByStep, counts[0],
            counts[1], counts[2], counts[3], measured, fileDiffs, rows, rowDiffs, writes, redone, trace.size(), faultedTrace.size(),
            refSeconds, faultedSeconds);
    }

    /** Compares the two workspaces a finished run left in place (no run, no kills): files and result rows only. */
    public List<String> differences() throws Exception {
        List<String> diffs = new ArrayList<>();
        compareFiles(diffs, new int[4], new ArrayList<>());
        compareRows(diffs);
        return diffs;
    }

    static String kind(String id) {
        int colon = id.indexOf(':');
        String kind = id.substring(0, colon);
        if (kind.equals("write") || kind.equals("rename")) {
            String label = id.substring(colon + 1);
            int slash = label.indexOf('/');
            return kind + ":" + (slash > 0 ? label.substring(0, slash) : "");
        }
        if (kind.equals("chunk-commit")) {
            String label = id.substring(colon + 1);
            int slash = label.indexOf('/');
            return kind + ":" + (slash > 0 ? label.substring(0, slash) : label);
        }
        return kind;
    }

    // ---------------------------------------------------------------- files

    /** Files the comparison leaves out: the database, and per-execution records (passports name their execution). */
    static boolean compared(Path rel) {
        for (Path part : rel) {
            String n = part.toString();
            if (n.equals("passports")) {
                return false;
            }
        }
        String first = rel.getName(0).toString();
        return !first.equals("db") && !first.equals("logs") && !rel.getFileName().toString().endsWith(".tmp");
    }

    /**
     * Files drawn from measured durations (per-step throughput across runs): a restarted run measures other times, so
     * they cannot equal an uninterrupted run's; they are listed, not compared.
     */
    static boolean measuredTimes(String rel) {
        return rel.startsWith("report/LAST/figures/throughput_by_step.");
    }

    /** Files compared with their provenance masked ({@link #maskText}) when their bytes differ. */
    static boolean maskable(String rel) {
        return rel.endsWith(".csv") || rel.endsWith(".tsv") || rel.endsWith(".json") || rel.endsWith(".jsonl")
            || rel.endsWith(".html") || rel.endsWith(".safetensors");
    }

    private void compareFiles(List<String> diffs, int[] counts, List<String> measured) throws IOException {
        Map<String, Path> ref = listFiles(reference);
        Map<String, Path> fau = listFiles(faulted);
        for (String rel : fau.keySet()) {
            if (!ref.containsKey(rel)) {
                diffs.add("only after crashes: " + rel);
            }
        }
        for (var e : ref.entrySet()) {
            String rel = e.getKey();
            Path other = fau.get(rel);
            if (measuredTimes(rel)) {
                measured.add(rel);
                if (other == null) {
                    diffs.add("missing after crashes: " + rel);
                }
                continue;
            }
            counts[0]++;
            if (other == null) {
                diffs.add("missing after crashes: " + rel);
                continue;
            }
            byte[] a = Files.readAllBytes(e.getValue());
            byte[] b = Files.readAllBytes(other);
            if (Arrays.equals(a, b)) {
                counts[1]++;
            } else if (rel.endsWith(".parquet")) {
                List<Map<String, Object>> ra = parquetRows(e.getValue(), reference);
                List<Map<String, Object>> rb = parquetRows(other, faulted);
                if (ra.equals(rb)) {
                    counts[2]++;
                } else {
                    diffs.add("rows differ: " + rel + " (" + ra.size() + " vs " + rb.size() + " rows; first: "
                        + firstDifference(ra, rb) + ")");
                }
            } else if (maskable(rel)) {
                String ma = rel.endsWith(".safetensors") ? maskSafeTensors(a) : maskText(rel, new String(a, StandardCharsets.UTF_8), reference);
                String mb = rel.endsWith(".safetensors") ? maskSafeTensors(b) : maskText(rel, new String(b, StandardCharsets.UTF_8), faulted);
                if (ma.equals(mb)) {
                    counts[3]++;
                } else {
                    diffs.add("differs beyond provenance: " + rel + " (" + firstLineDifference(ma, mb) + ")");
                }
            } else {
                diffs.add("bytes differ: " + rel + " (" + a.length + " vs " + b.length + " bytes, sha256 "
                    + sha(a) + " vs " + sha(b) + ")");
            }
        }
    }

    // ---------------------------------------------------------------- masking

    private static final Pattern ISO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z");
    private static final Pattern SHA256 = Pattern.compile("\\b[0-9a-f]{64}\\b");
    private static final Pattern RATE = Pattern.compile("\\d+(?:\\.\\d+)? (tiles|slides|tokens|reads|steps)/s");
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    /**
     * A text output with what names the run rather than the result masked: the workspace's own folder, timestamps,
     * rates measured on the way, and by format the fields {@link #provenance} names (CSV columns, rows of a key,value
     * CSV, JSON keys at any depth, with hashes of other files, which are compared themselves); in the HTML report the
     * provenance blocks and the table of step executions. Every other character must be equal.
     */
    static String maskText(String rel, String text, Path ws) {
        String t = maskRun(text, ws);
        if (rel.endsWith(".csv") || rel.endsWith(".tsv")) {
            return maskCsv(t, rel.endsWith(".tsv") ? '\t' : ',');
        }
        if (rel.endsWith(".json")) {
            return maskJson(t);
        }
        if (rel.endsWith(".jsonl")) {
            return t.lines().map(FaultInjection::maskJson).collect(Collectors.joining("\n"));
        }
        if (rel.endsWith(".html")) {
            t = t.replaceAll("(?s)<div class=\"prov\">.*?</div>", "<div class=\"prov\">PROVENANCE</div>");
            t = t.replaceAll("(?s)<tr id=\"se-\\d+\">.*?</tr>\\s*", "");
            t = t.replaceAll("(step|job) execution \\d+", "$1 execution N").replaceAll("report/\\d+/", "report/N/")
                .replaceAll("data-step-executions=\"[^\"]*\"", "data-step-executions=\"N\"")
                .replaceAll("<title>slidebatch report \\d+</title>", "<title>slidebatch report N</title>")
                .replaceAll("<td>([a-z_]*execution_id[a-z_]*)</td><td>[^<]*</td>", "<td>$1</td><td>N</td>")
                // the throughput figure's caption counts the passports of every run so far: history, like the figure
                .replaceAll("compute passport \\(\\d+ step executions\\)", "compute passport (N step executions)");
            return SHA256.matcher(t).replaceAll("SHA256");
        }
        return t;
    }

    /** What names the run in any text: the workspace's own folder, timestamps, rates measured on the way. */
    static String maskRun(String text, Path ws) {
        return RATE.matcher(ISO_TIME.matcher(text.replace(ws.toString(), "WS")).replaceAll("TIME")).replaceAll("N $1/s");
    }

    static String maskJson(String json) {
        if (json.isBlank()) {
            return json;
        }
        tools.jackson.databind.JsonNode root = JSON.readTree(json);
        maskNode(root);
        return JSON.writeValueAsString(root);   // field order kept: an order that changes between runs is a difference
    }

    private static void maskNode(tools.jackson.databind.JsonNode node) {
        if (node instanceof tools.jackson.databind.node.ObjectNode o) {
            for (String name : new ArrayList<>(o.propertyNames())) {
                if (provenance(name) || name.toLowerCase(Locale.ROOT).startsWith("sha256")) {
                    o.put(name, "*");
                } else {
                    maskNode(o.get(name));
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(FaultInjection::maskNode);
        }
    }

    /** CSV (RFC 4180 quoting, records may span lines): provenance columns, or a key,value file's provenance rows, masked. */
    static String maskCsv(String text, char sep) {
        List<List<String>> records = parseCsv(text, sep);
        if (records.isEmpty()) {
            return text;
        }
        List<String> header = records.getFirst();
        boolean keyValue = header.size() == 2 && header.get(0).equals("key");
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < records.size(); r++) {
            List<String> row = new ArrayList<>(records.get(r));
            for (int c = 0; c < row.size(); c++) {
                boolean mask = r > 0 && (keyValue ? c == 1 && provenance(row.get(0)) : c < header.size() && provenance(header.get(c)));
                if (mask) {
                    row.set(c, "*");
                }
            }
            out.append(String.join(String.valueOf(sep), row)).append('\n');
        }
        return out.toString();
    }

    static List<List<String>> parseCsv(String text, char sep) {
        List<List<String>> records = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == sep) {
                row.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n') {
                row.add(field.toString());
                field.setLength(0);
                records.add(row);
                row = new ArrayList<>();
            } else if (ch != '\r') {
                field.append(ch);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            records.add(row);
        }
        return records;
    }

    /** A safetensors file as its tensor bytes' hash and its header with the metadata's provenance masked. */
    static String maskSafeTensors(byte[] file) {
        long n = java.nio.ByteBuffer.wrap(file, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(file, 8 + (int) n, file.length);
        return maskJson(header) + "\ndata sha256 " + sha(data);
    }

    static String firstLineDifference(String a, String b) {
        String[] la = a.split("\n", -1);
        String[] lb = b.split("\n", -1);
        for (int i = 0; i < Math.min(la.length, lb.length); i++) {
            if (!la[i].equals(lb[i])) {
                return "line " + (i + 1) + ": " + abbreviate(la[i]) + " vs " + abbreviate(lb[i]);
            }
        }
        return la.length + " vs " + lb.length + " lines";
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** Relative path → file; the report folder is named by its job execution, so it is keyed {@code report/LAST}. */
    static Map<String, Path> listFiles(Path ws) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(ws)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path rel = ws.relativize(p);
                if (!compared(rel)) {
                    continue;
                }
                String key = rel.toString();
                if (rel.getName(0).toString().equals("report") && rel.getNameCount() > 2) {
                    key = "report/LAST/" + rel.subpath(2, rel.getNameCount());
                }
                out.put(key, p);
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Map<String, Object>> parquetRows(Path file, Path ws) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Object r : new CarpetReader<>(file.toFile(), Map.class).toList()) {
            Map<String, Object> row = new TreeMap<>();
            // the workspace's own folder is the one value that must differ (paths of its files): WS in both
            ((Map<String, Object>) r).forEach((k, v) -> row.put(k, v instanceof String str ? str.replace(ws.toString(), "WS") : v));
            rows.add(row);
        }
        return rows;
    }

    static String firstDifference(List<Map<String, Object>> a, List<Map<String, Object>> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "row " + i + ": " + a.get(i) + " vs " + b.get(i);
            }
        }
        return "row counts";
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- database

    /**
     * Columns that name the run rather than the result: execution and instance ids, times, the owner. Rows are
     * compared on every other column; tables keeping rows per execution are compared on their current rows.
     */
    static boolean provenance(String column) {
        String c = column.toLowerCase(Locale.ROOT);
        return c.contains("execution_id") || c.endsWith("instance_id") || c.endsWith("_at") || c.equals("ts")
            || c.equals("id") || c.endsWith("seconds") || c.equals("tokens_per_s") || c.equals("tps")
            || c.contains("host") || c.contains("pid") || c.equals("is_current");
    }

    private int compareRows(List<String> diffs) throws Exception {
        Map<String, List<String>> a = resultRows(reference);
        Map<String, List<String>> b = resultRows(faulted);
        int n = 0;
        for (String table : a.keySet()) {
            List<String> ra = a.get(table);
            List<String> rb = b.getOrDefault(table, List.of());
            n += ra.size();
            if (!ra.equals(rb)) {
                List<String> onlyA = new ArrayList<>(ra);
                onlyA.removeAll(rb);
                List<String> onlyB = new ArrayList<>(rb);
                onlyB.removeAll(ra);
                diffs.add(table + ": " + ra.size() + " vs " + rb.size() + " rows; only uninterrupted: "
                    + onlyA.stream().limit(2).toList() + "; only after crashes: " + onlyB.stream().limit(2).toList());
            }
        }
        return n;
    }

    /** Every domain table (not Spring Batch's, not Flyway's, not execution bookkeeping), rows as sorted strings. */
    static Map<String, List<String>> resultRows(Path ws) throws Exception {
        Workspace w = new Workspace(ws);
        EmbeddedDatabase.Credentials login = EmbeddedDatabase.credentials(w);
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(w.defaultJdbcUrl(), login.user(), login.password());
             Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                + " AND TABLE_TYPE = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                String lower = t.toLowerCase(Locale.ROOT);
                if (lower.startsWith("batch_") || lower.startsWith("flyway") || lower.contains("passport")
                    || lower.contains("owner") || lower.contains("claim") || lower.equals("output_file")
                    || lower.contains("slide_list")) {
                    continue;
                }
                List<String> cols = new ArrayList<>();
                boolean current = false;
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\" WHERE 1 = 0")) {
                    ResultSetMetaData md = rs.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String col = md.getColumnName(i);
                        current |= col.equalsIgnoreCase("is_current");
                        if (!provenance(col)) {
                            cols.add(col);
                        }
                    }
                }
                if (cols.isEmpty()) {
                    continue;
                }
                String sql = "SELECT " + cols.stream().map(col -> "\"" + col + "\"").collect(Collectors.joining(", "))
                    + " FROM \"" + t + "\"" + (current ? " WHERE is_current" : "");
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= cols.size(); i++) {
                            String v = rs.getString(i);
                            sb.append(cols.get(i - 1)).append('=').append(v == null ? null : maskValue(v, ws)).append(';');
                        }
                        rows.add(sb.toString());
                    }
                }
                rows.sort(null);
                out.put(lower, rows);
            }
        }
        return out;
    }

    /** A database value with the workspace's folder, timestamps, measured rates and hashes (of inputs compared themselves) masked. */
    static String maskValue(String v, Path ws) {
        String t = maskRun(v, ws);
        // the throughput figure's input is every run's passports: its row count is history, like the figure
        t = t.replaceAll("db:compute_passport \\(\\d+ rows\\)", "db:compute_passport (N rows)");
        return SHA256.matcher(t.replaceAll("report/\\d+/", "report/N/")).replaceAll("SHA256");
    }

    /** Σ WRITE_COUNT of every execution of each per-slide step's partitions (each slide committed exactly once). */
    static Map<String, Long> partitionWrites(Path ws) {
        RepositoryQueries db = new RepositoryQueries(ws);
        Map<String, Long> out = new TreeMap<>();
        List<String> names = db.strings("SELECT DISTINCT STEP_NAME FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE '%:partition%'"
            + " OR STEP_NAME = 'manifest.record'");
        for (String n : names) {
            String step = n.contains(":") ? n.substring(0, n.indexOf(':')) : n;
            out.merge(step, db.count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = '"
                + n + "'"), Long::sum);
        }
        return out;
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static String mapJson(Map<String, Integer> m) {
        return m.entrySet().stream().map(e -> quote(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(", ", "{", "}"));
    }
}
