package org.slidebatch.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {

    @TempDir
    Path tmp;

    @Test
    void readsQuotedCellsPandasNaNAndFloatIds() throws Exception {
        Path f = tmp.resolve("a.csv");
        Files.writeString(f, "\uFEFFmodel,detail,kappa,step_execution_id\r\nridge,\"CEN0:n=2|k=0.1; \"\"x\"\", y\",,17.0\r\n"
            + "l2,\"two\nlines\",0.5,17\r\n\r\n");
        CsvTable t = CsvTable.read(f);
        assertThat(t.header()).containsExactly("model", "detail", "kappa", "step_execution_id");
        assertThat(t.strings("detail")).containsExactly("CEN0:n=2|k=0.1; \"x\", y", "two\nlines");
        assertThat(t.doubles("kappa")[0]).isNaN();
        assertThat(t.doubles("kappa")[1]).isEqualTo(0.5);
        assertThat(t.stepExecutionIds()).isEqualTo(List.of(17L));
    }

    @Test
    void badFilesNameTheFileAndTheReason() throws Exception {
        Path f = tmp.resolve("b.csv");
        Files.writeString(f, "a,b\n1,2,3\n");
        assertThatThrownBy(() -> CsvTable.read(f)).hasMessageContaining(f + ": line 2 has 3 cells, the header has 2");
        Files.writeString(f, "a,b\n1,x\n");
        assertThatThrownBy(() -> CsvTable.read(f).doubles("b")).hasMessageContaining("column 'b': not a number: 'x'");
        assertThatThrownBy(() -> CsvTable.read(f).stepExecutionIds()).hasMessageContaining("no column 'step_execution_id'");
        assertThatThrownBy(() -> CsvTable.read(f).column("c")).hasMessageContaining("no column 'c' (columns: a, b)");
    }
}
