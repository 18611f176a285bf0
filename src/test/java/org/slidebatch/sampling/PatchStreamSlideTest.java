package org.slidebatch.sampling;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.synth.SyntheticSlideGenerator;
import org.slidebatch.synth.SyntheticSlideSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The GPFM recipe on generated slides through OpenSlide and CLAM's gpfm-tcga preset. */
class PatchStreamSlideTest {

    @TempDir
    static Path dir;

    static List<Path> slides = new ArrayList<>();
    static Path noMpp;

    @BeforeAll
    static void generate() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide.so.0 is not installed");
        slides.add(write(new SyntheticSlideSpec("s40x", 11L, 2048, 1536, 0.25, 40, 0, false, false), "s40x.svs"));
        slides.add(write(new SyntheticSlideSpec("s20x", 12L, 1800, 1400, 0.5, 20, 1, true, false), "s20x.svs"));
        noMpp = write(new SyntheticSlideSpec("plain", 13L, 1600, 1200, null, 20, 0, false, false), "plain.tiff");
    }

    private static Path write(SyntheticSlideSpec spec, String name) throws Exception {
        Path p = dir.resolve(name);
        SyntheticSlideGenerator.write(spec, p, 2);
        return p;
    }

    /**
     * CLAM's a_t counts 512² level-0 patches: gpfm-tcga drops tissue regions smaller than 16 of them, which is
     * most of a 2k slide; these small test slides keep regions of one patch.
     */
    static final TissueSource SMALL_SLIDE_TISSUE = TissueSource.clam("gpfm-tcga", Map.of("a_t", "1"));

    @Test
    void gpfmRecipeStreamsNamedViewsFromTissue() throws Exception {
        PatchStreamConfig cfg = GpfmRecipe.config(5).toBuilder().poolSize(2).patchesPerSlide(4).threads(2)
            .tissue(SMALL_SLIDE_TISSUE).build();
        List<PatchResult> got = new ArrayList<>();
        try (PatchStream s = PatchStream.open(cfg, slides)) {
            for (int i = 0; i < 12; i++) {
                got.add(s.next());
            }
            assertThat(s.stats().slidesProcessed()).isGreaterThanOrEqualTo(2);
            assertThat(s.stats().slideTissue().min()).isGreaterThan(0.05);
            Path json = dir.resolve("out/stats.json");
            StatsJson.write(json, cfg, s.stats(), Map.of("note", "test"));
            String text = Files.readString(json);
            assertThat(text).contains("\"patches_extracted\" : 12", "\"tissue\" : \"gpfm-tcga{a_t=1}\"", "\"mpp_counts\"");
        }
        assertThat(got).extracting(PatchResult::slideId).startsWith("s40x", "s20x", "s40x", "s20x");
        for (PatchResult r : got) {
            assertThat(r.image()).isNull();
            assertThat(r.views().keySet()).containsExactly("global_0", "global_1", "local_0", "local_1", "local_2",
                "local_3", "local_4", "local_5", "local_6", "local_7");
            assertThat(r.views().get("global_1").tensor().width()).isEqualTo(224);
            assertThat(r.views().get("global_1").tensor().channels()).isEqualTo(3);
            assertThat(r.views().get("local_7").tensor().height()).isEqualTo(98);
            assertThat(r.level()).isZero();
            assertThat(r.coordinate().patchSize()).isEqualTo(512);
            assertThat(r.x0()).isBetween(0L, r.slide().width() - 512);
            assertThat(r.y0()).isBetween(0L, r.slide().height() - 512);
            assertThat(r.tissueFraction()).isGreaterThanOrEqualTo(0.4);
            assertThat(r.mpp()).isEqualTo(r.slideId().equals("s40x") ? 0.25 : 0.5);
        }
        Path png = dir.resolve("out/contact-sheet.png");
        ContactSheet.write(png, got, 4);
        BufferedImage sheet = ImageIO.read(png.toFile());
        assertThat(sheet.getWidth()).isGreaterThan(4 * 400);
        assertThat(sheet.getHeight()).isGreaterThan(3 * 300);
    }

    @Test
    void sameSeedSameStreamOnRealSlides() {
        PatchStreamConfig cfg = GpfmRecipe.config(9).toBuilder().poolSize(2).patchesPerSlide(3)
            .tissue(SMALL_SLIDE_TISSUE).build();
        List<String> one = coords(cfg.withThreads(1), 8);
        List<String> two = coords(cfg.withThreads(2), 8);
        assertThat(two).isEqualTo(one);
    }

    private static List<String> coords(PatchStreamConfig cfg, int n) {
        List<String> out = new ArrayList<>();
        try (PatchStream s = PatchStream.open(cfg, slides)) {
            for (int i = 0; i < n; i++) {
                PatchResult r = s.next();
                out.add(r.slideId() + "@" + r.x0() + "," + r.y0() + ":"
                    + java.util.Arrays.hashCode(r.views().get("local_3").tensor().data()));
            }
        }
        return out;
    }

    @Test
    void slideWithoutMppFailsWhenTargetMppIsSet() {
        PatchStreamConfig cfg = PatchStreamConfig.builder().poolSize(2).patchesPerSlide(2).threads(1)
            .sampler(new RandomSampler(256, -1, 0, 0.5, 0.4, 50, true)).tissue(TissueSource.clam("clam-tcga", Map.of("a_t", "1"))).build();
        try (PatchStream s = PatchStream.open(cfg, List.of(noMpp))) {
            assertThatThrownBy(s::hasNext).isInstanceOf(PatchStreamException.class).hasMessageContaining("plain (mpp_missing");
        }
        try (PatchStream s = PatchStream.open(cfg.toBuilder().assumeMpp(0.25).build(), List.of(noMpp))) {
            PatchResult r = s.next();
            assertThat(r.level()).isZero(); // 0.25 is nearer 0.5 than level 1's 1.0
            assertThat(r.mpp()).isEqualTo(0.25);
            assertThat(r.slide().mppSource()).isEqualTo("assume_mpp");
        }
    }
}
