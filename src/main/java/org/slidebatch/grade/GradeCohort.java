package org.slidebatch.grade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slidebatch.evaluate.CsvTable;
import org.slidebatch.model.Npy;

/**
 * The grading cohort: a labels CSV ({@code slide_id}, {@code grade}, {@code provider}, optional {@code patient_id})
 * joined with the feature step's two-scale files {@code <features>/0.5/<slide>.npy} and {@code <features>/2.0/<slide>.npy}
 * (N×d; N = 0 becomes one zero token, as NB11). An empty grade is 0 (NB11: {@code isup_grade} NaN → 0). A slide
 * without both files is left out with its reason (NB11 needs both scales); a malformed row fails naming file and line.
 *
 * @param patients patient per slide (the slide itself without a patient_id column: PANDA has one slide per patient)
 * @param skipped  "slide: reason" for every labelled slide left out
 */
public record GradeCohort(List<GradeSlide> slides, String[] patients, List<String> skipped) {

    public static final String SCALE_05 = "0.5";
    public static final String SCALE_20 = "2.0";

    public static GradeCohort load(Path labels, Path featuresDir, int classes) throws IOException {
        return load(labels, featuresDir, classes, "grade", "provider");
    }

    /** As {@link #load(Path, Path, int)} with the grade and provider read from the named columns. */
    public static GradeCohort load(Path labels, Path featuresDir, int classes, String gradeColumn, String providerColumn)
        throws IOException {
        CsvTable t = CsvTable.read(labels);
        t.require("slide_id", gradeColumn, providerColumn);
        boolean hasPatient = t.has("patient_id");
        List<GradeSlide> slides = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < t.size(); r++) {
            String where = labels + " line " + t.line(r);
            String id = t.get(r, "slide_id");
            if (id.isEmpty() || !seen.add(id)) {
                throw new IllegalArgumentException(where + ": " + (id.isEmpty() ? "empty slide_id" : "duplicate slide '" + id + "'"));
            }
            String g = t.get(r, gradeColumn);
            int grade;
            try {
                grade = g.isEmpty() || g.equalsIgnoreCase("nan") ? 0 : (int) Double.parseDouble(g);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": grade '" + g + "' is not a number");
            }
            if (grade < 0 || grade >= classes || (!g.isEmpty() && !g.equalsIgnoreCase("nan") && Double.parseDouble(g) != grade)) {
                throw new IllegalArgumentException(where + ": grade '" + g + "' is not an integer in 0.." + (classes - 1));
            }
            Path f05 = featuresDir.resolve(SCALE_05).resolve(id + ".npy");
            Path f20 = featuresDir.resolve(SCALE_20).resolve(id + ".npy");
            if (!Files.isRegularFile(f05) || !Files.isRegularFile(f20)) {
                skipped.add(id + ": no features at " + (Files.isRegularFile(f05) ? "2.0" : "0.5") + " µm/px");
                continue;
            }
            float[][] x = new float[2][];
            int[] n = new int[2];
            int dim = -1;
            Path[] files = {f05, f20};
            for (int s = 0; s < 2; s++) {
                long[] shape = Npy.readHeader(files[s]).shape();
                if (shape.length != 2) {
                    throw new IllegalArgumentException(files[s] + ": expected an N×d array, got " + shape.length + " dimensions");
                }
                if (dim >= 0 && shape[1] != dim) {
                    throw new IllegalArgumentException(files[s] + ": width " + shape[1] + " differs from the other scale's " + dim);
                }
                dim = Math.toIntExact(shape[1]);
                x[s] = GradeSlide.orZeroToken(Npy.read(files[s]), dim);
                n[s] = x[s].length / dim;
            }
            slides.add(new GradeSlide(id, t.get(r, providerColumn), grade, dim, x[0], n[0], x[1], n[1]));
            patients.add(hasPatient && !t.get(r, "patient_id").isEmpty() ? t.get(r, "patient_id") : id);
        }
        if (!slides.isEmpty()) {
            int d = slides.get(0).dim();
            for (GradeSlide s : slides) {
                if (s.dim() != d) {
                    throw new IllegalArgumentException(featuresDir + ": slide " + s.id() + " has width " + s.dim() + ", others " + d);
                }
            }
        }
        return new GradeCohort(slides, patients.toArray(String[]::new), skipped);
    }
}
