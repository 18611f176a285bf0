package org.slidebatch.slide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link PilImaging} against Pillow itself ({@code scripts/pil_ops.py} under Debian's python3-pil): thumbnails
 * (shrink factors below 2, between 2 and 4, and large enough for {@code reduce}), plain resizes (the 256 → 224
 * bilinear of the features step, growing too, every filter) and {@code reduce} with boxes, byte for byte.
 */
class PilImagingParityTest {

    @TempDir
    Path dir;

    /** Smooth colour gradients with noise and sharp edges: every tap of every filter matters. */
    static RgbImage texture(int w, int h, long seed) {
        Random rnd = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                boolean edge = ((x / 7) + (y / 11)) % 3 == 0;
                rgb[o] = (byte) (edge ? 250 : (x * 255 / w + rnd.nextInt(40)) & 0xff);
                rgb[o + 1] = (byte) (edge ? 5 : (y * 255 / h + rnd.nextInt(40)) & 0xff);
                rgb[o + 2] = (byte) rnd.nextInt(256);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void thumbnailsEqualPillow() throws Exception {
        assumePil();
        RgbImage img = texture(1037, 763, 1);
        List<String> ops = List.of("thumb:1024:1024", "thumb:900:700", "thumb:512:512", "thumb:300:400",
            "thumb:256:256", "thumb:200:100", "thumb:97:53", "thumb:33:1000", "thumb:1:1", "thumb:2000:10");
        List<RgbImage> ours = new ArrayList<>();
        for (String op : ops) {
            String[] p = op.split(":");
            ours.add(PilImaging.thumbnail(img, Integer.parseInt(p[1]), Integer.parseInt(p[2]), PilImaging.Filter.LANCZOS));
        }
        compare(img, ops, ours);
    }

    @Test
    void resizesEqualPillow() throws Exception {
        assumePil();
        RgbImage tile = texture(256, 256, 2);
        List<String> ops = new ArrayList<>();
        List<RgbImage> ours = new ArrayList<>();
        for (PilImaging.Filter f : PilImaging.Filter.values()) {
            for (int[] s : new int[][] {{224, 224}, {300, 280}, {97, 131}, {256, 100}, {17, 256}}) {
                ops.add("resize:" + f + ":" + s[0] + ":" + s[1]);
                ours.add(PilImaging.resize(tile, s[0], s[1], f));
            }
        }
        compare(tile, ops, ours);
    }

    @Test
    void reducesEqualPillow() throws Exception {
        assumePil();
        RgbImage img = texture(301, 203, 3);
        int[][] cases = {{2, 2, 0, 0, 301, 203}, {3, 3, 0, 0, 301, 203}, {4, 4, 1, 2, 300, 201}, {5, 5, 0, 0, 301, 203},
            {1, 2, 0, 0, 301, 203}, {2, 1, 3, 0, 301, 203}, {3, 1, 0, 0, 299, 200}, {1, 3, 0, 0, 301, 202},
            {6, 7, 5, 4, 290, 199}, {1, 9, 0, 0, 301, 203}, {11, 1, 0, 0, 301, 203}, {13, 17, 0, 0, 301, 203}};
        List<String> ops = new ArrayList<>();
        List<RgbImage> ours = new ArrayList<>();
        for (int[] c : cases) {
            ops.add("reduce:" + c[0] + ":" + c[1] + ":" + c[2] + ":" + c[3] + ":" + c[4] + ":" + c[5]);
            ours.add(PilImaging.reduce(img, c[0], c[1], c[2], c[3], c[4], c[5]));
        }
        compare(img, ops, ours);
    }

    @Test
    void thumbnailSizeRule() {
        // Pillow keeps the aspect ratio closest to the image's, preferring floor on a tie
        assertThat(PilImaging.thumbnailSize(2220, 2967, 766, 1024)).containsExactly(766, 1024);
        assertThat(PilImaging.thumbnailSize(1000, 1000, 2000, 3000)).containsExactly(1000, 1000);
        assertThat(PilImaging.thumbnailSize(3, 1000, 10, 10)).containsExactly(1, 10);
    }

    static void assumePil() {
        TestSlides.assumePil();
    }

    private void compare(RgbImage src, List<String> ops, List<RgbImage> ours) throws Exception {
        Path raw = dir.resolve("src.raw");
        Files.write(raw, src.rgb());
        List<String> args = new ArrayList<>(List.of(Path.of("scripts", "python", "pil_ops.py").toAbsolutePath().toString(),
            raw.toString(), "" + src.width(), "" + src.height(), dir.toString()));
        args.addAll(ops);
        String[] lines = TestSlides.runPython(args, dir).strip().split("\\R");
        assertThat(lines).hasSize(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            String[] p = lines[i].split(" ");
            RgbImage mine = ours.get(i);
            assertThat(mine.width() + "x" + mine.height()).as(ops.get(i) + " size").isEqualTo(p[1] + "x" + p[2]);
            assertSamePixels(ops.get(i), mine, Files.readAllBytes(dir.resolve(i + ".raw")));
        }
    }

    static void assertSamePixels(String what, RgbImage ours, byte[] pil) {
        assertThat(ours.rgb().length).as(what + " bytes").isEqualTo(pil.length);
        int m = java.util.Arrays.mismatch(ours.rgb(), pil);
        if (m >= 0) {
            int count = 0;
            int maxDiff = 0;
            for (int i = 0; i < pil.length; i++) {
                int d = Math.abs((ours.rgb()[i] & 0xff) - (pil[i] & 0xff));
                if (d != 0) {
                    count++;
                    maxDiff = Math.max(maxDiff, d);
                }
            }
            int px = m / 3;
            fail("%s: %d of %d bytes differ from Pillow (max %d); first at x=%d y=%d channel %d: ours %d, Pillow %d", what,
                count, pil.length, maxDiff, px % ours.width(), px / ours.width(), m % 3, ours.rgb()[m] & 0xff, pil[m] & 0xff);
        }
    }
}
