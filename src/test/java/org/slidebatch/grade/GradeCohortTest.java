package org.slidebatch.grade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.Npy;

class GradeCohortTest {

    @TempDir
    Path dir;

    @Test
    void joinsLabelsWithBothScalesAndNamesWhatItLeavesOut() throws Exception {
        Path f = dir.resolve("features");
        Files.createDirectories(f.resolve("0.5"));
        Files.createDirectories(f.resolve("2.0"));
        Npy.writeFloat32(f.resolve("0.5/a.npy"), new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Npy.writeFloat32(f.resolve("2.0/a.npy"), new float[0], 0, 2);
        Npy.writeFloat32(f.resolve("0.5/b.npy"), new float[] {1, 2}, 1, 2);
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "slide_id,grade,provider\na,3,radboud\nb,,karolinska\n");
        GradeCohort c = GradeCohort.load(labels, f, 6);
        assertThat(c.slides()).hasSize(1);
        GradeSlide a = c.slides().get(0);
        assertThat(a.grade()).isEqualTo(3);
        assertThat(a.n05()).isEqualTo(3);
        assertThat(a.n20()).isEqualTo(1);
        assertThat(a.x20()).containsExactly(0f, 0f);
        assertThat(c.patients()).containsExactly("a");
        assertThat(c.skipped()).containsExactly("b: no features at 2.0 µm/px");

        Files.writeString(labels, "slide_id,grade,provider\na,7,radboud\n");
        assertThatThrownBy(() -> GradeCohort.load(labels, f, 6)).hasMessageContaining("labels.csv line 2")
            .hasMessageContaining("grade '7' is not an integer in 0..5");
        Files.writeString(labels, "slide_id,grade\na,1\n");
        assertThatThrownBy(() -> GradeCohort.load(labels, f, 6)).hasMessageContaining("provider");
    }
}
