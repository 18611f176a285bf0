package org.slidebatch.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.model.Npy;

class EvaluationDataTest {

    @TempDir
    Path dir;

    void embedding(String slide, float... v) throws Exception {
        Files.createDirectories(dir.resolve("emb"));
        Npy.writeFloat32(dir.resolve("emb/" + slide + ".npy"), v, v.length);
    }

    Path labels(String... lines) throws Exception {
        Path f = dir.resolve("labels.csv");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void patientLabelsReachTheirSlidesAndAggregateByMeanOrMax() throws Exception {
        embedding("P1-a", 1, 4);
        embedding("P1-b", 3, 0);
        embedding("P2", 5, 5);
        embedding("P3.x", 0, 1);
        embedding("P4_y", 2, 2);
        embedding("P10", 9, 9); // must not be taken for P1
        Path l = labels("patient_id,grade,center", "P1,0,A", "P2,0,B", "P3,2,A", "P4,2,B");
        EvaluationData mean = EvaluationData.load(l, dir.resolve("emb"), "grade", "mean");
        assertThat(mean.units()).containsExactly("P1", "P2", "P3", "P4");
        assertThat(mean.slides()).isEqualTo(5);
        assertThat(mean.x()[0]).containsExactly(2.0, 2.0);
        assertThat(mean.classes()).containsExactly("0", "2");
        assertThat(mean.y()).containsExactly(0, 0, 1, 1);
        assertThat(mean.centers()).containsExactly("A", "B", "A", "B");
        EvaluationData max = EvaluationData.load(l, dir.resolve("emb"), "grade", "max");
        assertThat(max.x()[0]).containsExactly(3.0, 4.0);
    }

    @Test
    void slideLabelsWithPatientsAndTheirErrors() throws Exception {
        embedding("s1", 1, 0);
        embedding("s2", 0, 1);
        embedding("s3", 1, 1);
        embedding("s4", 2, 1);
        embedding("s5", 2, 2);
        Path ok = labels("slide_id,patient_id,label", "s1,p1,1", "s2,p1,1", "s3,p2,0", "s4,p3,0", "s5,p4,1");
        EvaluationData slides = EvaluationData.load(ok, dir.resolve("emb"), "label", "none");
        assertThat(slides.units()).containsExactly("s1", "s2", "s3", "s4", "s5");
        assertThat(slides.patients()).containsExactly("p1", "p1", "p2", "p3", "p4");
        EvaluationData patients = EvaluationData.load(ok, dir.resolve("emb"), "label", "mean");
        assertThat(patients.units()).containsExactly("p1", "p2", "p3", "p4");
        Path single = labels("slide_id,patient_id,label", "s1,p1,1", "s2,p1,1", "s3,p2,0", "s4,p3,0");
        assertThatThrownBy(() -> EvaluationData.load(single, dir.resolve("emb"), "label", "mean"))
            .hasMessageContaining(single + " line 2: class '1' has one member ('p1')");
        assertThat(patients.x()[0][0]).isCloseTo(0.5, within(1e-12));

        Path conflict = labels("slide_id,patient_id,label", "s1,p1,1", "s2,p1,0", "s3,p2,0", "s4,p3,1");
        assertThatThrownBy(() -> EvaluationData.load(conflict, dir.resolve("emb"), "label", "mean"))
            .hasMessageContaining(conflict + " line 3: patient 'p1' has label '0' here and '1' at line 2");
        Path noKey = labels("sample,label", "s1,1");
        assertThatThrownBy(() -> EvaluationData.load(noKey, dir.resolve("emb"), "label", "none"))
            .hasMessageContaining("needs a slide_id or patient_id column");
        Path noColumn = labels("slide_id,grade", "s1,1");
        assertThatThrownBy(() -> EvaluationData.load(noColumn, dir.resolve("emb"), "label", "none"))
            .hasMessageContaining("no column 'label'");
    }

    @Test
    void rowsWithoutAnEmbeddingOrALabelAreLeftOutWithTheirReasonUnlessStrict() throws Exception {
        Path emb = dir.resolve("embeddings/demo");
        Files.createDirectories(emb);
        for (String s : List.of("s1", "s2", "s3", "s4")) {
            Npy.writeFloat32(emb.resolve(s + ".npy"), new float[] {1, 2}, 2);
        }
        Path l = labels("slide_id,label", "s1,0", "s2,0", "tissue-poor,1", "s3,1", "stranger,0", "s4,1", "s5,", "qc-out,1");
        EvaluationData.SlideKnowledge known = id -> switch (id) {
            case "tissue-poor" -> "embed skipped: no features at 2.0 µm/px (the embedding needs both scales)";
            case "qc-out", "s5" -> "";
            default -> null;
        };
        EvaluationData d = EvaluationData.load(l, emb, "label", "none", false, known);
        assertThat(d.units()).containsExactly("s1", "s2", "s3", "s4");
        assertThat(d.y()).containsExactly(0, 0, 1, 1);
        assertThat(d.excluded()).containsExactly(
            new EvaluationData.Exclusion(4, "tissue-poor", "no embedding for slide tissue-poor under embeddings/demo "
                + "(embed skipped: no features at 2.0 µm/px (the embedding needs both scales))"),
            new EvaluationData.Exclusion(6, "stranger", "no embedding for slide stranger under embeddings/demo "
                + "(not a slide of this workspace's manifest)"),
            new EvaluationData.Exclusion(8, "s5", "no label in column 'label'"),
            new EvaluationData.Exclusion(9, "qc-out", "no embedding for slide qc-out under embeddings/demo"));
        // Without knowledge of the workspace (the CLI, a folder outside one): the bare reason.
        assertThat(EvaluationData.load(l, emb, "label", "none", false, null).excluded().get(1).reason())
            .isEqualTo("no embedding for slide stranger under embeddings/demo");
        assertThatThrownBy(() -> EvaluationData.load(l, emb, "label", "none", true, known))
            .hasMessage(l + " line 4: unknown slide 'tissue-poor' (no tissue-poor.npy in " + emb + ")");
        Path patients = labels("patient_id,label", "s1,0", "s2,0", "P9,1", "s3,1", "s4,1");
        assertThat(EvaluationData.load(patients, emb, "label", "mean").excluded())
            .containsExactly(new EvaluationData.Exclusion(4, "P9", "no embedding for patient P9 under embeddings/demo"));
        Path none = labels("slide_id,label", "x1,0", "x2,1");
        assertThatThrownBy(() -> EvaluationData.load(none, emb, "label", "none"))
            .hasMessage(none + ": no labelled rows with an embedding (2 left out, first: line 2: no embedding for slide x1 "
                + "under embeddings/demo)");
    }
}
