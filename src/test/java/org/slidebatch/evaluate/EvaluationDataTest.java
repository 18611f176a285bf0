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
}
