package org.slidebatch.sampling;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.RgbImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TransformsTest {

    /** 3 wide, 2 high; pixel value = 10·(row·3 + col) in every channel. */
    private static RgbImage small() {
        byte[] rgb = new byte[3 * 2 * 3];
        for (int i = 0; i < 6; i++) {
            rgb[3 * i] = (byte) (10 * i);
            rgb[3 * i + 1] = (byte) (10 * i + 1);
            rgb[3 * i + 2] = (byte) (10 * i + 2);
        }
        return new RgbImage(3, 2, rgb);
    }

    private static int[][] reds(RgbImage img) {
        int[][] out = new int[img.height()][img.width()];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                out[y][x] = img.red(x, y);
            }
        }
        return out;
    }

    @Test
    void flipsAndRot90MatchNumpy() {
        RgbImage img = small(); // [[0,10,20],[30,40,50]]
        assertThat(reds(RandomFlipRotate.hflip(img))).isEqualTo(new int[][] {{20, 10, 0}, {50, 40, 30}});
        assertThat(reds(RandomFlipRotate.vflip(img))).isEqualTo(new int[][] {{30, 40, 50}, {0, 10, 20}});
        // np.rot90: counter-clockwise
        assertThat(reds(RandomFlipRotate.rot90(img, 1))).isEqualTo(new int[][] {{20, 50}, {10, 40}, {0, 30}});
        assertThat(reds(RandomFlipRotate.rot90(img, 2))).isEqualTo(new int[][] {{50, 40, 30}, {20, 10, 0}});
        assertThat(reds(RandomFlipRotate.rot90(img, 3))).isEqualTo(new int[][] {{30, 0}, {40, 10}, {50, 20}});
        assertThat(RandomFlipRotate.rot90(img, 1).green(0, 0)).isEqualTo(21);
        assertThat(RandomFlipRotate.rot90(img, 4).rgb()).isEqualTo(img.rgb());
    }

    @Test
    void randomFlipRotateProbabilities() {
        RgbImage img = small();
        SplittableRandom rng = new SplittableRandom(5);
        assertThat(new RandomFlipRotate(0, 0, 0).apply(img, rng).rgb()).isEqualTo(img.rgb());
        assertThat(new RandomFlipRotate(1, 0, 0).apply(img, rng).rgb()).isEqualTo(RandomFlipRotate.hflip(img).rgb());
        assertThat(new RandomFlipRotate(0, 1, 0).apply(img, rng).rgb()).isEqualTo(RandomFlipRotate.vflip(img).rgb());
        RgbImage rotated = new RandomFlipRotate(0, 0, 1).apply(img, rng);
        assertThat(rotated.rgb()).isNotEqualTo(img.rgb());
        int changed = 0;
        RandomFlipRotate half = new RandomFlipRotate(0.5, 0.5, 0.5);
        for (int i = 0; i < 400; i++) {
            if (!java.util.Arrays.equals(half.apply(img, rng).rgb(), img.rgb())) {
                changed++;
            }
        }
        // identity only when nothing fires (1/8) or hflip+vflip+rot180 cancel: clearly between
        assertThat(changed).isBetween(250, 390);
    }

    @Test
    void hedMatrixIsScikitImages() {
        assertThat(HedJitter.HED_FROM_RGB[0][0]).isCloseTo(1.87798274, within(1e-8));
        assertThat(HedJitter.HED_FROM_RGB[0][1]).isCloseTo(-1.00767869, within(1e-8));
        assertThat(HedJitter.HED_FROM_RGB[1][2]).isCloseTo(-0.1355218, within(1e-7));
        assertThat(HedJitter.HED_FROM_RGB[2][0]).isCloseTo(-0.60190736, within(1e-8));
        assertThat(HedJitter.HED_FROM_RGB[2][2]).isCloseTo(1.57358807, within(1e-8));
    }

    @Test
    void hedJitterMatchesNumpyReference() {
        // values from NumPy with skimage's rgb2hed/hed2rgb formulas (see class comment)
        RgbImage px = new RgbImage(1, 1, new byte[] {(byte) 180, 100, (byte) 150});
        RgbImage out = HedJitter.jitter(px, new double[] {1.05, 0.95, 1.0}, new double[] {0.01, -0.02, 0.0});
        assertThat(new int[] {out.red(0, 0), out.green(0, 0), out.blue(0, 0)}).containsExactly(167, 121, 148);
        RgbImage light = new RgbImage(1, 1, new byte[] {(byte) 240, (byte) 230, (byte) 235});
        RgbImage out2 = HedJitter.jitter(light, new double[] {0.96, 1.04, 1.02}, new double[] {-0.03, 0.04, 0.01});
        assertThat(new int[] {out2.red(0, 0), out2.green(0, 0), out2.blue(0, 0)}).containsExactly(255, 164, 224);
        // identity when α = 1, β = 0 on an H&E colour
        RgbImage he = new RgbImage(1, 1, new byte[] {120, 60, (byte) 140});
        assertThat(HedJitter.jitter(he, new double[] {1, 1, 1}, new double[] {0, 0, 0}).rgb()).isEqualTo(he.rgb());
    }

    @Test
    void hedJitterIsSeededAndBounded() {
        byte[] rgb = new byte[16 * 16 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) (150 + i % 50);
            rgb[i + 1] = (byte) (80 + i % 30);
            rgb[i + 2] = (byte) (160 + i % 40);
        }
        RgbImage img = new RgbImage(16, 16, rgb);
        HedJitter hed = new HedJitter(0.05);
        RgbImage a = hed.apply(img, new SplittableRandom(11));
        RgbImage b = hed.apply(img, new SplittableRandom(11));
        assertThat(a.rgb()).isEqualTo(b.rgb());
        assertThat(a.rgb()).isNotEqualTo(img.rgb());
        int maxDiff = 0;
        for (int i = 0; i < rgb.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((a.rgb()[i] & 0xff) - (rgb[i] & 0xff)));
        }
        assertThat(maxDiff).isLessThan(60);
        // σ = 0 is the identity up to rgb2hed's clamping of negative stain values at 0 (scikit-image's behaviour)
        byte[] zero = new HedJitter(0).apply(img, new SplittableRandom(1)).rgb();
        for (int i = 0; i < rgb.length; i++) {
            assertThat(Math.abs((zero[i] & 0xff) - (rgb[i] & 0xff))).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void imagenetNormalisationIsChwAndInvertible() {
        RgbImage img = small();
        FloatTensor t = Normalization.IMAGENET.apply(img);
        assertThat(t.channels()).isEqualTo(3);
        assertThat(t.height()).isEqualTo(2);
        assertThat(t.width()).isEqualTo(3);
        // red of pixel (x=1, y=1) is 40; green of (2, 0) is 21
        assertThat(t.get(0, 1, 1)).isEqualTo((40 / 255.0f - 0.485f) / 0.229f);
        assertThat(t.get(1, 0, 2)).isEqualTo((21 / 255.0f - 0.456f) / 0.224f);
        assertThat(t.get(2, 0, 0)).isEqualTo((2 / 255.0f - 0.406f) / 0.225f);
        assertThat(Normalization.IMAGENET.invert(t).rgb()).isEqualTo(img.rgb());
        assertThat(PatchPixels.of(img, Normalization.IMAGENET).displayRgb().rgb()).isEqualTo(img.rgb());
    }

    @Test
    void resizeIsBilinearToSize() {
        byte[] rgb = new byte[40 * 30 * 3];
        java.util.Arrays.fill(rgb, (byte) 77);
        RgbImage out = new Resize(16).apply(new RgbImage(40, 30, rgb), new SplittableRandom(0));
        assertThat(out.width()).isEqualTo(16);
        assertThat(out.height()).isEqualTo(16);
        assertThat(out.red(7, 9)).isEqualTo(77);
        RgbImage same = new RgbImage(16, 16, new byte[16 * 16 * 3]);
        assertThat(new Resize(16).apply(same, new SplittableRandom(0))).isSameAs(same);
    }

    @Test
    void transformListsParse() {
        List<PatchTransform> t = PatchTransform.parseList("flip_rotate, hed:0.07, resize:224");
        assertThat(t).containsExactly(new RandomFlipRotate(0.5, 0.5, 0.5), new HedJitter(0.07), new Resize(224));
        assertThat(PatchTransform.specOf(t)).isEqualTo("flip_rotate,hed:0.07,resize:224");
        assertThat(PatchTransform.parseList("hed")).containsExactly(new HedJitter(0.05));
        assertThatThrownBy(() -> PatchTransform.parseList("sharpen")).hasMessageContaining("unknown transform");
    }

    @Test
    void viewNamesExpandWithCount() {
        assertThat(new ViewConfig("global", null, 1).names()).containsExactly("global");
        assertThat(ViewConfig.expandNames(GpfmRecipe.views())).containsExactly("global_0", "global_1", "local_0",
            "local_1", "local_2", "local_3", "local_4", "local_5", "local_6", "local_7");
        assertThatThrownBy(() -> PatchStreamConfig.builder().views(List.of(new ViewConfig("x", null, 1))).build())
            .hasMessageContaining("reserved");
        assertThatThrownBy(() -> PatchStreamConfig.builder().views(List.of(new ViewConfig("a", null, 2),
            new ViewConfig("a_1", null, 1))).build()).hasMessageContaining("collide");
    }

    @Test
    void gpfmPropertiesFileIsTheGpfmRecipe() throws Exception {
        PatchStreamConfig fromFile = PatchStreamConfig.load(Path.of("jobs-config", "stream-gpfm.properties"));
        assertThat(fromFile.describe()).isEqualTo(GpfmRecipe.config().describe());
        assertThat(fromFile.views()).isEqualTo(GpfmRecipe.views());
        assertThat(fromFile.sampler()).isEqualTo(new RandomSampler(512, -1, 0, null, 0.4, 50, true));
    }

    @Test
    void propertiesRejectUnknownKeysAndParseEverything() {
        Properties p = new Properties();
        p.setProperty("sampler", "grid");
        p.setProperty("patch_size", "128");
        p.setProperty("stride", "64");
        p.setProperty("tissue", "clam-tcga");
        p.setProperty("tissue.a_t", "2");
        p.setProperty("filter", "hsv:0.5");
        p.setProperty("transforms", "hflip:1");
        p.setProperty("normalize", "imagenet");
        p.setProperty("views", "v");
        p.setProperty("view.v.size", "32");
        p.setProperty("view.v.scale", "0.2,0.5");
        p.setProperty("view.v.ratio", "3/4,4/3");
        p.setProperty("view.v.count", "3");
        PatchStreamConfig c = PatchStreamConfig.fromProperties(p);
        assertThat(c.sampler()).isEqualTo(new GridSampler(128, 0, 64, 0.4));
        assertThat(c.filter()).isEqualTo(new PatchFilter.HsvFilter(0.5));
        assertThat(c.views().getFirst().crop()).isEqualTo(new RandomResizedCrop(32, 0.2, 0.5));
        assertThat(c.normalization()).isSameAs(Normalization.IMAGENET);
        p.setProperty("pool_sise", "3");
        assertThatThrownBy(() -> PatchStreamConfig.fromProperties(p)).hasMessageContaining("pool_sise");
        Properties dhmc = new Properties();
        dhmc.setProperty("tissue", "gpfm-dhmc");
        assertThatThrownBy(() -> PatchStreamConfig.fromProperties(dhmc)).hasMessageContaining("gpfm-dhmc")
            .hasMessageContaining("mthresh");
    }
}
