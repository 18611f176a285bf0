package org.slidebatch.sampling;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideException;
import org.slidebatch.slide.SlideReader;

/**
 * An in-memory slide for stream tests: white glass with one pink tissue rectangle (level-0 px), pyramid levels
 * with the given downsamples, optional µm/px, optional failing reads. Pixels are computed, never stored.
 */
final class FakeSlide implements SlideReader {

    static final int[] PINK = {200, 100, 160};

    final Path path;
    final long width;
    final long height;
    final double[] downsamples;
    final Double mpp;
    final long[] tissue; // x0, y0, x1, y1 (exclusive), or null for none
    final boolean failReads;
    final AtomicInteger reads;
    volatile boolean closed;

    FakeSlide(Path path, long width, long height, double[] downsamples, Double mpp, long[] tissue, boolean failReads,
              AtomicInteger reads) {
        this.path = path;
        this.width = width;
        this.height = height;
        this.downsamples = downsamples;
        this.mpp = mpp;
        this.tissue = tissue;
        this.failReads = failReads;
        this.reads = reads;
    }

    /** A description of a fake slide; {@link Cohort} opens them by path. */
    record Spec(String id, long width, long height, double[] downsamples, Double mpp, long[] tissue, boolean failReads) {

        static Spec tissueEverywhere(String id, long w, long h) {
            return new Spec(id, w, h, new double[] {1}, 0.5, new long[] {0, 0, w, h}, false);
        }

        Spec withTissue(long[] t) {
            return new Spec(id, width, height, downsamples, mpp, t, failReads);
        }

        Spec failing() {
            return new Spec(id, width, height, downsamples, mpp, tissue, true);
        }

        Spec withMpp(Double m) {
            return new Spec(id, width, height, downsamples, m, tissue, failReads);
        }

        Spec withLevels(double... ds) {
            return new Spec(id, width, height, ds, mpp, tissue, failReads);
        }
    }

    /** A set of fake slides with an opener that counts opens and tracks open readers. */
    static final class Cohort implements SlideOpener {
        final Map<Path, Spec> specs = new HashMap<>();
        final List<Path> paths = new ArrayList<>();
        final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
        final Set<FakeSlide> open = ConcurrentHashMap.newKeySet();
        final AtomicInteger maxOpen = new AtomicInteger();

        Cohort add(Spec s) {
            Path p = Path.of("/fake", s.id() + ".svs");
            specs.put(p, s);
            paths.add(p);
            return this;
        }

        @Override
        public SlideReader open(Path path) {
            Spec s = specs.get(path);
            if (s == null) {
                throw new SlideException(path, "no such file");
            }
            opens.computeIfAbsent(s.id(), k -> new AtomicInteger()).incrementAndGet();
            FakeSlide f = new FakeSlide(path, s.width(), s.height(), s.downsamples(), s.mpp(), s.tissue(), s.failReads(),
                reads.computeIfAbsent(s.id(), k -> new AtomicInteger()));
            open.add(f);
            maxOpen.accumulateAndGet(open.size(), Math::max);
            f.onClose = () -> open.remove(f);
            return f;
        }

        int opens(String id) {
            AtomicInteger n = opens.get(id);
            return n == null ? 0 : n.get();
        }
    }

    Runnable onClose = () -> { };

    static TissueSource notWhite() {
        return TissueSource.of("not-white", thumb -> {
            byte[] rgb = thumb.rgb();
            byte[] m = new byte[thumb.width() * thumb.height()];
            for (int i = 0; i < m.length; i++) {
                if ((rgb[3 * i] & 0xff) < 250 || (rgb[3 * i + 1] & 0xff) < 250) {
                    m[i] = 1;
                }
            }
            return m;
        });
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String readerName() {
        return "fake";
    }

    @Override
    public String vendor() {
        return mpp == null ? "generic-tiff" : "aperio";
    }

    @Override
    public List<LevelInfo> levels() {
        List<LevelInfo> out = new ArrayList<>();
        for (int i = 0; i < downsamples.length; i++) {
            out.add(new LevelInfo(i, (long) Math.ceil(width / downsamples[i]), (long) Math.ceil(height / downsamples[i]),
                downsamples[i]));
        }
        return out;
    }

    @Override
    public int bestLevelForDownsample(double downsample) {
        int best = 0;
        for (int i = 0; i < downsamples.length; i++) {
            if (downsamples[i] <= downsample) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public Map<String, String> properties() {
        return mpp == null ? Map.of() : Map.of("openslide.mpp-x", Double.toString(mpp), "openslide.mpp-y", Double.toString(mpp));
    }

    @Override
    public Set<String> associatedImageNames() {
        return Set.of();
    }

    @Override
    public BufferedImage readAssociatedImage(String name) {
        throw new IllegalArgumentException("none");
    }

    @Override
    public RgbImage readRegion(RegionRequest r) {
        if (closed) {
            throw new IllegalStateException(path + ": closed");
        }
        reads.incrementAndGet();
        if (failReads) {
            throw new SlideException(path, "simulated read failure at " + r.x() + "," + r.y());
        }
        return paint(r.width(), r.height(), r.x(), r.y(), downsamples[r.level()]);
    }

    @Override
    public RgbImage thumbnail(int maxWidth, int maxHeight) {
        int maxSide = Math.min(maxWidth, maxHeight);
        double scale = Math.max(1.0, Math.max(width, height) / (double) maxSide);
        int tw = (int) Math.max(1, Math.round(width / scale));
        int th = (int) Math.max(1, Math.round(height / scale));
        double sx = (double) width / tw;
        double sy = (double) height / th;
        byte[] rgb = new byte[tw * th * 3];
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                int[] c = colour((long) ((x + 0.5) * sx), (long) ((y + 0.5) * sy));
                int o = (y * tw + x) * 3;
                rgb[o] = (byte) c[0];
                rgb[o + 1] = (byte) c[1];
                rgb[o + 2] = (byte) c[2];
            }
        }
        return new RgbImage(tw, th, rgb);
    }

    private RgbImage paint(int w, int h, long x0, long y0, double ds) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = colour(x0 + (long) (x * ds), y0 + (long) (y * ds));
                int o = (y * w + x) * 3;
                rgb[o] = (byte) c[0];
                rgb[o + 1] = (byte) c[1];
                rgb[o + 2] = (byte) c[2];
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private int[] colour(long x, long y) {
        if (x >= width || y >= height) {
            return new int[] {255, 255, 255};
        }
        if (tissue != null && x >= tissue[0] && x < tissue[2] && y >= tissue[1] && y < tissue[3]) {
            // a little texture so crops differ
            int t = (int) ((x * 7 + y * 13) % 40);
            return new int[] {PINK[0] - t, PINK[1] + t / 2, PINK[2] - t / 3};
        }
        return new int[] {255, 255, 255};
    }

    @Override
    public void close() {
        closed = true;
        onClose.run();
    }
}
