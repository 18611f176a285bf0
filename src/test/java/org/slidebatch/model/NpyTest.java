package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void float32AndFloat16RoundTrip() throws IOException {
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * 100;
        }
        Path f32 = dir.resolve("a.npy");
        Npy.writeFloat32(f32, v, 2, 3, 4);
        Npy.Header h = Npy.readHeader(f32);
        assertThat(h.descr()).isEqualTo("<f4");
        assertThat(h.shape()).containsExactly(2, 3, 4);
        assertThat(h.dataOffset() % 64).isZero();
        assertThat(Npy.read(f32)).containsExactly(v);
        try (Npy.Reader r = Npy.open(f32)) {
            float[] row1 = r.rows(1, 1);
            assertThat(row1).containsExactly(java.util.Arrays.copyOfRange(v, 12, 24));
        }

        Path f16 = dir.resolve("b.npy");
        Npy.writeFloat16(f16, v, 4, 6);
        assertThat(Npy.readHeader(f16).descr()).isEqualTo("<f2");
        float[] back = Npy.read(f16);
        for (int i = 0; i < v.length; i++) {
            assertThat(back[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(v[i])));
        }
        Path one = dir.resolve("c.npy");
        Npy.writeFloat32(one, new float[] {1, 2, 3}, 3);
        assertThat(new String(Files.readAllBytes(one), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("'shape': (3,), }");
    }

    @Test
    void refusesWhatItCannotRead() throws IOException {
        Path f = dir.resolve("x.npy");
        Files.write(f, "not numpy".getBytes());
        assertThatThrownBy(() -> Npy.read(f)).hasMessageContaining("not a .npy file");
        assertThatThrownBy(() -> Npy.writeFloat32(f, new float[3], 2, 2)).hasMessageContaining("holds 4 values, got 3");
    }

    @Test
    void numpyReadsOursAndWeReadNumpys() throws Exception {
        ModelTestSupport.assumePython("numpy");
        float[] v = {1.5f, -2f, 3.25f, 0f, 1e-3f, 7f};
        Path ours = dir.resolve("ours.npy");
        Path ours16 = dir.resolve("ours16.npy");
        Npy.writeFloat32(ours, v, 2, 3);
        Npy.writeFloat16(ours16, v, 3, 2);
        Path theirs = dir.resolve("theirs.npy");
        Path theirs16 = dir.resolve("theirs16.npy");
        String out = ModelTestSupport.python(dir, """
            import sys, numpy as np
            a = np.load(sys.argv[1]); b = np.load(sys.argv[2])
            print(a.dtype, a.shape, a.ravel().tolist(), b.dtype, b.shape)
            np.save(sys.argv[3], np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8)
            np.save(sys.argv[4], np.arange(6, dtype=np.float16).reshape(3, 2) / 4)
            """, ours.toString(), ours16.toString(), theirs.toString(), theirs16.toString());
        assertThat(out.trim()).isEqualTo("float32 (2, 3) [1.5, -2.0, 3.25, 0.0, 0.0010000000474974513, 7.0] float16 (3, 2)");
        assertThat(Npy.readHeader(theirs).shape()).containsExactly(2, 3, 4);
        float[] t = Npy.read(theirs);
        assertThat(t[23]).isEqualTo(23f / 8);
        assertThat(Npy.read(theirs16)).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f);
    }
}
