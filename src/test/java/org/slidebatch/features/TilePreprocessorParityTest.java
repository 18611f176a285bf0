package org.slidebatch.features;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OsfmReference;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.TestSlides;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model input of a tile equals OpenSlideFM NB05's torchvision pipeline on a PIL image
 * ({@code Resize((224,224), BILINEAR) → ToTensor → Normalize(ImageNet)}) within 1e-6, for 256 px tiles (the
 * shrink), tiles already 224 px, and other read sizes (growing and shrinking).
 */
class TilePreprocessorParityTest {

    @TempDir
    Path dir;

    @Test
    void modelInputEqualsTorchvision() throws Exception {
        TestSlides.assumePythonModules("PIL.Image, numpy, torch, torchvision",
            "python3-pil, python3-numpy, python3-torch, python3-torchvision");
        double worst = 0;
        for (int size : new int[] {256, 224, 300, 181}) {
            RgbImage tile = tile(size, size * 31L);
            Path raw = dir.resolve("tile" + size + ".raw");
            Path out = dir.resolve("tensor" + size + ".raw");
            Files.write(raw, tile.rgb());
            String shape = OsfmReference.run(dir, "preprocess", raw.toString(), "" + size, "" + size, out.toString()).strip();
            assertThat(shape).isEqualTo("3 224 224");
            ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
            float[] ours = new float[3 * 224 * 224];
            TilePreprocessor.normalizeInto(tile, 224, ours, 0);
            double maxDiff = 0;
            for (int i = 0; i < ours.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[i] - bb.getFloat()));
            }
            assertThat(maxDiff).as("max |ours − torchvision| for a %d px tile", size).isLessThanOrEqualTo(1e-6);
            worst = Math.max(worst, maxDiff);
        }
        System.out.println("[preprocess parity] max |ours - torchvision| = " + worst);
    }

    /** H&amp;E-like colours with fine texture, so the resize filter's every tap matters. */
    private static RgbImage tile(int size, long seed) {
        Random rnd = new Random(seed);
        byte[] rgb = new byte[size * size * 3];
        for (int i = 0; i < size * size; i++) {
            boolean nucleus = rnd.nextInt(5) == 0;
            rgb[i * 3] = (byte) (nucleus ? 60 + rnd.nextInt(40) : 200 + rnd.nextInt(50));
            rgb[i * 3 + 1] = (byte) (nucleus ? 30 + rnd.nextInt(40) : 120 + rnd.nextInt(60));
            rgb[i * 3 + 2] = (byte) (nucleus ? 120 + rnd.nextInt(60) : 170 + rnd.nextInt(60));
        }
        return new RgbImage(size, size, rgb);
    }
}
