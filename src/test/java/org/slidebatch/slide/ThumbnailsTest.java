package org.slidebatch.slide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slidebatch.support.FakeSlideReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Thumbnails} over any reader: level choice, whole-level read, background colour and alpha compositing. */
class ThumbnailsTest {

    /** A 1000×800 slide with a 4× level; every pixel has the given RGBA; records what is read. */
    static final class Uniform extends FakeSlideReader {
        final List<RegionRequest> reads = new ArrayList<>();
        final byte[] pixel;
        final Map<String, String> props;

        Uniform(int r, int g, int b, int a, Map<String, String> props) {
            super(List.of(new LevelInfo(0, 1000, 800, 1.0), new LevelInfo(1, 250, 200, 4.0)));
            this.pixel = new byte[] {(byte) r, (byte) g, (byte) b, (byte) a};
            this.props = props;
        }

        @Override
        public Map<String, String> properties() {
            return props;
        }

        @Override
        public RgbaImage readRegionRgba(RegionRequest request) {
            reads.add(request);
            byte[] out = new byte[request.width() * request.height() * 4];
            for (int i = 0; i < out.length; i += 4) {
                System.arraycopy(pixel, 0, out, i, 4);
            }
            return new RgbaImage(request.width(), request.height(), out);
        }
    }

    @Test
    void readsTheBestLevelWholeAndShrinksWithPillowsRule() {
        Uniform r = new Uniform(10, 20, 30, 255, Map.of());
        RgbImage t = Thumbnails.maxSide(r, 300); // requested (300, 240): downsample 3.33 → level 0
        assertThat(r.reads).containsExactly(new RegionRequest(0, 0, 0, 1000, 800));
        assertThat(t.width() + "x" + t.height()).isEqualTo("300x240");
        assertThat(distinct(t)).containsExactly(10, 20, 30);

        r.reads.clear();
        Thumbnails.maxSide(r, 200); // (200, 160): downsample 5 → level 1 (ds 4)
        assertThat(r.reads).containsExactly(new RegionRequest(0, 0, 1, 250, 200));
    }

    @Test
    void transparentPixelsTakeTheBackgroundColour() {
        RgbImage white = Thumbnails.maxSide(new Uniform(0, 0, 0, 0, Map.of()), 100);
        assertThat(distinct(white)).containsExactly(255, 255, 255);
        RgbImage orange = Thumbnails.maxSide(new Uniform(0, 0, 0, 0, Map.of(Thumbnails.BACKGROUND_PROPERTY, "FF8000")), 100);
        assertThat(distinct(orange)).containsExactly(255, 128, 0);
        // half transparent black on white: DIV255(255·127) = 127, Pillow's paste with an RGBA mask
        RgbImage half = Thumbnails.maxSide(new Uniform(0, 0, 0, 128, Map.of()), 100);
        assertThat(distinct(half)).containsExactly(127, 127, 127);
    }

    @Test
    void aBadBackgroundColourIsNamed() {
        assertThatThrownBy(() -> Thumbnails.maxSide(new Uniform(0, 0, 0, 0, Map.of(Thumbnails.BACKGROUND_PROPERTY, "nope")), 100))
            .hasMessageContaining("openslide.background-color").hasMessageContaining("nope");
    }

    @Test
    void theDefaultRgbaReadIsOpaque() {
        RgbImage rgb = new RgbImage(2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        assertThat(RgbaImage.opaque(rgb).rgba()).containsExactly(1, 2, 3, -1, 4, 5, 6, -1);
    }

    private static int[] distinct(RgbImage img) {
        byte[] p = img.rgb();
        for (int i = 3; i < p.length; i += 3) {
            assertThat(Arrays.copyOfRange(p, i, i + 3)).isEqualTo(Arrays.copyOfRange(p, 0, 3));
        }
        return new int[] {p[0] & 0xff, p[1] & 0xff, p[2] & 0xff};
    }
}
