package org.slidebatch.tiling;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.OsfmReference;
import org.slidebatch.slide.PixelCalibration;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.TestSlides;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token sets against OpenSlideFM NB04's code run by Python ({@code scripts/python/qc_reference.py tokens}: its mask thumbnail,
 * level rule, grid and coverage) on the real and generated slides, where no budget sampling occurs. With our
 * mask-edge clamp (DEVIATIONS: the last mask row and column count) the sets are equal; with OpenSlideFM's own
 * clamp the difference is only that edge and is reported.
 */
class TokenParityTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void needsPeers() {
        TestSlides.assumeOpenSlide();
        TestSlides.assumePythonOpenSlide();
        TestSlides.assumePil();
    }

    @Test
    void realSlidesEqualOpenSlideFm() throws Exception {
        assertTokensEqual(OsfmReference.realSlides());
    }

    @Test
    void generatedSlidesEqualOpenSlideFm() throws Exception {
        assertTokensEqual(OsfmReference.generatedSlides(dir));
    }

    private static void assertTokensEqual(List<Path> slides) throws Exception {
        assertThat(slides).isNotEmpty();
        TokenTiler tiler = new TokenTiler();
        List<String> report = new ArrayList<>();
        for (Path slide : slides) {
            try (OpenSlideReader r = OpenSlideReader.open(slide)) {
                PixelCalibration cal = r.calibration();
                double mpp = cal.isKnown() ? cal.mppX() : 0.25; // OpenSlideFM's fallback, given explicitly here
                JsonNode fixed = JsonMapper.builder().build().readTree(
                    OsfmReference.run(dir, "tokens", slide.toString(), Double.toString(mpp), "fixed"));
                JsonNode osfm = JsonMapper.builder().build().readTree(
                    OsfmReference.run(dir, "tokens", slide.toString(), Double.toString(mpp), "osfm"));
                RgbImage thumb = tiler.maskThumbnail(r);
                String name = slide.getFileName().toString();
                assertThat(thumb.width() + "x" + thumb.height()).as(name + " mask size")
                    .isEqualTo(fixed.get("mask_width").asInt() + "x" + fixed.get("mask_height").asInt());
                byte[] mask = TokenTiler.maskFromThumbnail(thumb);
                for (double target : tiler.options().targetsUmPerPx()) {
                    TokenTiler.Result res = tiler.run(name, r, mpp, thumb.width(), thumb.height(), mask, target, 1337L, "fp");
                    JsonNode py = fixed.get(Double.toString(target));
                    String what = name + " @" + target;
                    assertThat(res.plan().level()).as(what + " level").isEqualTo(py.get("level").asInt());
                    assertThat(res.plan().approxMpp()).as(what + " approx_mpp").isEqualTo(py.get("approx_mpp").asDouble());
                    assertThat(res.candidates()).as(what + ": more candidates than the budget; pick a smaller slide")
                        .isLessThanOrEqualTo(tiler.options().budget(target));
                    Set<String> ours = new HashSet<>();
                    for (TileCoord t : res.tiles()) {
                        ours.add(t.levelX() + "," + t.levelY());
                    }
                    assertThat(ours).as(what + " tokens").isEqualTo(keys(py.get("tiles")));
                    Set<String> theirs = keys(osfm.get(Double.toString(target)).get("tiles"));
                    Set<String> onlyOurs = new HashSet<>(ours);
                    onlyOurs.removeAll(theirs);
                    Set<String> onlyTheirs = new HashSet<>(theirs);
                    onlyTheirs.removeAll(ours);
                    report.add(what + ": " + ours.size() + " tokens; OpenSlideFM's clamp: +" + onlyTheirs.size() + " −" + onlyOurs.size());
                }
            }
        }
        System.out.println("[token parity] " + report);
    }

    private static Set<String> keys(JsonNode tiles) {
        Set<String> out = new HashSet<>();
        for (JsonNode t : tiles) {
            out.add(t.get(0).asLong() + "," + t.get(1).asLong());
        }
        return out;
    }
}
