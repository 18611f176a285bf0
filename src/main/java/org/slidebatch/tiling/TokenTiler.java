package org.slidebatch.tiling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.TreeMap;

import org.slidebatch.qc.QualityMetrics;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.PixelCalibration;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;

/**
 * OpenSlideFM NB04 two-scale token tiling (SPEC §4b, OSFM-spec §6), with our fixes.
 *
 * <p>Per slide and target scale:
 * <ol>
 *   <li>Level: {@link #chooseLevel} — OpenSlideFM's nearest-µm/px rule, no resampling ({@code approx_mpp} is the
 *       level's µm/px). With {@link Options#resample()} the coarsest level whose µm/px is ≤ the target is read
 *       ({@link #chooseLevelForResampling}) with a read size of {@code round(tileSize · target / levelMpp)} that the
 *       feature step resizes to {@code tileSize}, so the model sees exactly the target µm/px (TRIDENT/slideflow).</li>
 *   <li>Grid in level pixels: {@code xs = range(0, max(Wl − T, 0) + 1, stride)}, same for y (T = 256, stride 224
 *       by default; a level smaller than a tile gives one overhanging tile at 0).</li>
 *   <li>Coverage on the ≤ 2048 px QC tissue mask ({@code S ≥ 20 ∧ V < 230}, PIL HSV) with OpenSlideFM's exact
 *       arithmetic: {@code sx = tw / W0 · ds}, {@code sy = th / H0 · ds}, {@code mx0 = int(x·sx)},
 *       {@code mx1 = int((x + T)·sx)} (same for y), mean of the mask over {@code [my0, my1) × [mx0, mx1)}, 0 when
 *       that box is empty. Candidate when coverage ≥ {@code minCoverage} (inclusive). Row-major order.</li>
 *   <li>Budget: more candidates than the budget → uniform sample without replacement, seeded by
 *       {@link #stableSeed} (never Python-style salted {@code hash()}); the sample is kept in grid order.</li>
 * </ol>
 *
 * <p>{@link Rules} switches the three steps where OpenSlideFM's grading tiles (NB10, OSFM-spec §14) differ:
 * level by OpenSlide's {@code get_best_level_for_downsample}, coverage on the tile's own pixels, and the first
 * {@code budget} candidates of the raster scan instead of a sample ({@link Rules#NB10}); {@link Rules#NB04} is the
 * default. The level-0 origin stays rounded (NB10 truncates: OSFM-spec §17 #24), and NB10's 0.5 µm/px fallback is
 * {@code assume_mpp=0.5}, never implicit.
 *
 * <p>Deviations from OpenSlideFM (for docs/DEVIATIONS.md):
 * <ul>
 *   <li><b>Mask clamp off-by-one fixed.</b> OpenSlideFM clamps {@code mx1 ≤ maskW − 1}, {@code my1 ≤ maskH − 1} and
 *       then slices half-open, so the last mask column and row can never count; we clamp to {@code maskW} and
 *       {@code maskH}. Tiles on the right and bottom edge therefore see their last mask pixel.</li>
 *   <li><b>Stable seed.</b> OpenSlideFM seeds {@code default_rng(1337 + hash(slide_id) % 65536 + int(target·100))}
 *       with Python's per-process salted {@code hash()}, so its samples are not reproducible; we use
 *       {@link #stableSeed} (SHA-256 of job seed, slide fingerprint and scale) and {@link java.util.Random}, whose
 *       algorithm is specified by the Java SE API, so a sample is the same on every JVM and every run.</li>
 *   <li><b>Grid order.</b> OpenSlideFM keeps {@code rng.choice}'s draw order; we keep the drawn subset in grid
 *       (row-major) order. The set is what matters to the aggregator; grid order reads neighbouring tiles together
 *       (better I/O locality) and makes {@code tile_idx} monotone in position. Numpy's stream cannot be reproduced
 *       anyway.</li>
 *   <li><b>No µm/px guess.</b> OpenSlideFM falls back to 0.25 µm/px; the caller resolves µm/px with
 *       {@link #resolveMpp} and skips the slide with reason {@code mpp_missing} when it is empty.</li>
 *   <li><b>Seed column.</b> OpenSlideFM writes its global seed (1337); we write the per-(slide, scale) seed.</li>
 *   <li><b>Optional resampling</b> (off by default) as described above.</li>
 * </ul>
 */
public final class TokenTiler {

    /** The reason a slide without µm/px is skipped (SPEC §1). */
    public static final String MPP_MISSING = "mpp_missing";

    /** Relative tolerance for "level µm/px ≤ target" with resampling: float noise only, not a scanner tolerance. */
    static final double RESAMPLE_EPS = 1e-9;

    /**
     * @param targetsUmPerPx target scales in µm/px (0.5, 2.0)
     * @param tileSize       tile side in pixels seen by the model before its own resize (256)
     * @param overlap        overlap in those pixels (32, so stride 224)
     * @param minCoverage    minimum tissue coverage of a tile, inclusive (0.30)
     * @param budgets        token budget per target (0.5 → 1200, 2.0 → 400); a value ≤ 0 means no cap; every
     *                       target must have an entry
     * @param maskMaxSide    long side of the thumbnail the tissue mask is computed on (2048)
     * @param resample       false: OpenSlideFM (nearest level, approx_mpp); true: read the next finer level and
     *                       resize to the exact target
     */
    public record Options(double[] targetsUmPerPx, int tileSize, int overlap, double minCoverage,
                          Map<Double, Integer> budgets, int maskMaxSide, boolean resample, Rules rules) {

        /** NB04's rules ({@link Rules#NB04}). */
        public Options(double[] targetsUmPerPx, int tileSize, int overlap, double minCoverage,
                       Map<Double, Integer> budgets, int maskMaxSide, boolean resample) {
            this(targetsUmPerPx, tileSize, overlap, minCoverage, budgets, maskMaxSide, resample, Rules.NB04);
        }

        public Options {
            Objects.requireNonNull(rules, "rules");
            if (resample && rules.level() != LevelRule.NEAREST) {
                throw new IllegalArgumentException("level_rule " + rules.level().parameter()
                    + " picks the level read without resampling; resample=true picks its own");
            }
            Objects.requireNonNull(targetsUmPerPx, "targetsUmPerPx");
            Objects.requireNonNull(budgets, "budgets");
            targetsUmPerPx = targetsUmPerPx.clone();
            if (targetsUmPerPx.length == 0) {
                throw new IllegalArgumentException("at least one target scale (µm/px) is needed");
            }
            for (double t : targetsUmPerPx) {
                if (!(t > 0) || !Double.isFinite(t)) {
                    throw new IllegalArgumentException("target scales must be positive µm/px, got " + t);
                }
                if (!budgets.containsKey(t)) {
                    throw new IllegalArgumentException("no token budget for target " + t + " µm/px (budgets: " + budgets + ")");
                }
            }
            if (tileSize <= 0) {
                throw new IllegalArgumentException("tile size must be > 0, got " + tileSize);
            }
            if (overlap < 0 || overlap >= tileSize) {
                throw new IllegalArgumentException("overlap must be in [0, tile size), got " + overlap);
            }
            if (!(minCoverage >= 0 && minCoverage <= 1)) {
                throw new IllegalArgumentException("minimum coverage must be in [0, 1], got " + minCoverage);
            }
            if (maskMaxSide <= 0) {
                throw new IllegalArgumentException("mask max side must be > 0, got " + maskMaxSide);
            }
            budgets = Map.copyOf(budgets);
        }

        /** OpenSlideFM NB04's constants. */
        public static Options defaults() {
            return new Options(new double[] {0.5, 2.0}, 256, 32, 0.30, Map.of(0.5, 1200, 2.0, 400), 2048, false);
        }

        @Override
        public double[] targetsUmPerPx() {
            return targetsUmPerPx.clone();
        }

        public Options withResample(boolean resample) {
            return new Options(targetsUmPerPx, tileSize, overlap, minCoverage, budgets, maskMaxSide, resample, rules);
        }

        public Options withRules(Rules rules) {
            return new Options(targetsUmPerPx, tileSize, overlap, minCoverage, budgets, maskMaxSide, resample, rules);
        }

        /** Grid step in model pixels: tile size − overlap (224). */
        public int stride() {
            return tileSize - overlap;
        }

        /** The budget for a target; {@link Integer#MAX_VALUE} when it is ≤ 0 (no cap). */
        public int budget(double target) {
            Integer b = budgets.get(target);
            if (b == null) {
                throw new IllegalArgumentException("no token budget for target " + target + " µm/px");
            }
            return b <= 0 ? Integer.MAX_VALUE : b;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options other && Arrays.equals(targetsUmPerPx, other.targetsUmPerPx)
                && tileSize == other.tileSize && overlap == other.overlap
                && Double.compare(minCoverage, other.minCoverage) == 0 && budgets.equals(other.budgets)
                && maskMaxSide == other.maskMaxSide && resample == other.resample && rules.equals(other.rules);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(targetsUmPerPx), tileSize, overlap, minCoverage, budgets, maskMaxSide,
                resample, rules);
        }

        @Override
        public String toString() {
            return "Options[targets=" + Arrays.toString(targetsUmPerPx) + ", tileSize=" + tileSize + ", overlap="
                + overlap + ", minCoverage=" + minCoverage + ", budgets=" + new TreeMap<>(budgets) + ", maskMaxSide="
                + maskMaxSide + ", resample=" + resample + ", rules=" + rules + "]";
        }
    }

    /** How the level of a target scale is chosen (without resampling). */
    public enum LevelRule {
        /** NB04's {@code choose_level_for_target_mpp}: the level whose µm/px is nearest the target ({@link #chooseLevel}). */
        NEAREST,
        /**
         * NB10's {@code get_best_level_for_downsample(target / base_mpp)}: the coarsest level whose downsample is
         * ≤ the requested one (OpenSlide's rule, {@link SlideReader#bestLevelForDownsample}).
         */
        BEST_FOR_DOWNSAMPLE;

        /** The parameter value: the constant's name in lower case. */
        public String parameter() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a tile's tissue coverage is measured on. */
    public enum Coverage {
        /** NB04: the ≤ 2048 px thumbnail's tissue mask under the tile (coarse at 0.5 µm/px). */
        MASK,
        /** NB10: the tile's own pixels at the level read, {@code S ≥ 20 ∧ V < 230} on PIL HSV. */
        TILE;

        /** The parameter value: the constant's name in lower case. */
        public String parameter() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Which candidates a budget keeps. */
    public enum Selection {
        /** NB04: a seeded uniform sample ({@link #sample}), kept in grid order; a level smaller than a tile gives one overhanging tile. */
        SAMPLE,
        /**
         * NB10: the raster scan {@code for y in range(0, Hl−T+1, stride): for x in range(0, Wl−T+1, stride)} (no tile
         * when the level is smaller than a tile), stopping at the first {@code budget} candidates.
         */
        RASTER;

        /** The parameter value: the constant's name in lower case. */
        public String parameter() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The rules where OpenSlideFM's two tilings differ (OSFM-spec §6 NB04, §14 NB10): level choice, coverage and
     * selection. Grid, tile size, stride, budgets, minimum coverage and the HSV rule are shared.
     */
    public record Rules(LevelRule level, Coverage coverage, Selection selection) {
        /** NB04 (the openslidefm chain's tokens). */
        public static final Rules NB04 = new Rules(LevelRule.NEAREST, Coverage.MASK, Selection.SAMPLE);
        /** NB10 (grading features). */
        public static final Rules NB10 = new Rules(LevelRule.BEST_FOR_DOWNSAMPLE, Coverage.TILE, Selection.RASTER);

        public Rules {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(coverage, "coverage");
            Objects.requireNonNull(selection, "selection");
        }
    }

    /** A level and the µm/px of its pixels ({@code base mpp × level downsample}). */
    public record LevelChoice(int level, double approxMpp) {
    }

    /**
     * What is read for one target scale.
     *
     * @param level      the level read
     * @param levelMpp   that level's µm/px
     * @param approxMpp  µm/px the model sees: levelMpp, or the target when resampled
     * @param readSize   tile side read at the level (level px)
     * @param readStride grid step at the level (level px)
     * @param resampled  whether the read tile is resized to the configured tile size
     */
    public record ReadPlan(int level, double levelMpp, double approxMpp, int readSize, int readStride, boolean resampled) {
    }

    /**
     * The tiles of one slide at one scale, with the counts a summary needs.
     *
     * @param gridTiles  tiles on the grid
     * @param candidates tiles with coverage ≥ the minimum (before the budget)
     * @param seed       {@link #stableSeed} for this slide and scale
     */
    public record Result(List<TileCoord> tiles, ReadPlan plan, int gridTiles, int candidates, long seed) {
        public Result {
            tiles = List.copyOf(tiles);
        }
    }

    private final Options options;

    public TokenTiler(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public TokenTiler() {
        this(Options.defaults());
    }

    public Options options() {
        return options;
    }

    // ---------------------------------------------------------------- µm/px and level choice

    /**
     * µm/px for tiling: the slide's own calibration (x axis, as OpenSlideFM's {@code openslide.mpp-x}) when known,
     * else {@code assumeMpp} (the explicit {@code --assume-mpp}) when positive, else empty: skip the slide with
     * reason {@link #MPP_MISSING}. Never a silent default.
     */
    public static OptionalDouble resolveMpp(PixelCalibration cal, Double assumeMpp) {
        if (cal != null && cal.isKnown()) {
            return OptionalDouble.of(cal.mppX());
        }
        if (assumeMpp != null && assumeMpp > 0 && Double.isFinite(assumeMpp)) {
            return OptionalDouble.of(assumeMpp);
        }
        return OptionalDouble.empty();
    }

    /**
     * OpenSlideFM's {@code choose_level_for_target_mpp}: start at level 0 with µm/px = baseMpp, then for every level
     * take it if {@code |baseMpp·ds − target| < |best − target|} (strict, so a tie keeps the finer level).
     */
    public static LevelChoice chooseLevel(SlideReader r, double baseMpp, double target) {
        requirePositive(baseMpp, "base µm/px");
        requirePositive(target, "target µm/px");
        int bestLevel = 0;
        double bestMpp = baseMpp;
        for (LevelInfo l : r.levels()) {
            double mpp = baseMpp * l.downsample();
            if (Math.abs(mpp - target) < Math.abs(bestMpp - target)) {
                bestLevel = l.level();
                bestMpp = mpp;
            }
        }
        return new LevelChoice(bestLevel, bestMpp);
    }

    /**
     * NB10's rule: {@code slide.get_best_level_for_downsample(target / baseMpp)}, µm/px = baseMpp × that level's
     * downsample.
     */
    public static LevelChoice chooseBestLevelForDownsample(SlideReader r, double baseMpp, double target) {
        requirePositive(baseMpp, "base µm/px");
        requirePositive(target, "target µm/px");
        int level = r.bestLevelForDownsample(target / baseMpp);
        return new LevelChoice(level, baseMpp * r.level(level).downsample());
    }

    /**
     * For resampling: the coarsest level whose µm/px is ≤ the target (the "next finer" level, so the read is
     * downsized, never upsized); level 0 when even level 0 is coarser than the target (then the tile is upsized).
     * {@code approxMpp} is that level's own µm/px.
     */
    public static LevelChoice chooseLevelForResampling(SlideReader r, double baseMpp, double target) {
        requirePositive(baseMpp, "base µm/px");
        requirePositive(target, "target µm/px");
        int bestLevel = 0;
        double bestMpp = baseMpp * r.level(0).downsample();
        for (LevelInfo l : r.levels()) {
            double mpp = baseMpp * l.downsample();
            if (mpp <= target * (1 + RESAMPLE_EPS) && mpp > bestMpp) {
                bestLevel = l.level();
                bestMpp = mpp;
            }
        }
        return new LevelChoice(bestLevel, bestMpp);
    }

    /** Level pixels that cover {@code size} pixels at {@code target} µm/px: {@code max(1, round(size·target/levelMpp))}. */
    public static int resampledSize(int size, double target, double levelMpp) {
        return (int) Math.max(1, Math.round(size * target / levelMpp));
    }

    /** What this tiler reads for a target: level, read size and stride, in level pixels. */
    public ReadPlan plan(SlideReader r, double baseMpp, double target) {
        if (!options.resample()) {
            LevelChoice c = options.rules().level() == LevelRule.NEAREST ? chooseLevel(r, baseMpp, target)
                : chooseBestLevelForDownsample(r, baseMpp, target);
            return new ReadPlan(c.level(), c.approxMpp(), c.approxMpp(), options.tileSize(), options.stride(), false);
        }
        LevelChoice c = chooseLevelForResampling(r, baseMpp, target);
        int read = resampledSize(options.tileSize(), target, c.approxMpp());
        int stride = resampledSize(options.stride(), target, c.approxMpp());
        return new ReadPlan(c.level(), c.approxMpp(), target, read, stride, true);
    }

    // ---------------------------------------------------------------- tissue mask

    /** The thumbnail the mask is computed on: long side ≤ {@link Options#maskMaxSide()}. */
    public RgbImage maskThumbnail(SlideReader r) {
        return r.thumbnail(options.maskMaxSide());
    }

    /** The QC tissue rule {@code S ≥ 20 ∧ V < 230} on PIL HSV, one byte per pixel (0 or 255), row-major. */
    public static byte[] maskFromThumbnail(RgbImage thumb) {
        return QualityMetrics.masks(thumb).tissue();
    }

    // ---------------------------------------------------------------- tiling

    /** The tiles of one slide at one target scale; see the class comment. */
    public List<TileCoord> tile(String slideId, SlideReader reader, double mpp, RgbImage maskThumbnail,
                                byte[] tissueMask, double target, long jobSeed, String fingerprint) {
        return run(slideId, reader, mpp, maskThumbnail.width(), maskThumbnail.height(), tissueMask, target, jobSeed,
            fingerprint).tiles();
    }

    /** As {@link #tile(String, SlideReader, double, RgbImage, byte[], double, long, String)}, with the counts. */
    public Result run(String slideId, SlideReader reader, double mpp, int maskWidth, int maskHeight, byte[] tissueMask,
                      double target, long jobSeed, String fingerprint) {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(tissueMask, "tissueMask");
        requirePositive(mpp, "µm/px");
        if (maskWidth <= 0 || maskHeight <= 0 || tissueMask.length != (long) maskWidth * maskHeight) {
            throw new IllegalArgumentException("tissue mask has " + tissueMask.length + " bytes, expected "
                + maskWidth + "x" + maskHeight);
        }
        if (!options.budgets().containsKey(target)) {
            throw new IllegalArgumentException("no token budget for target " + target + " µm/px");
        }
        ReadPlan plan = plan(reader, mpp, target);
        LevelInfo level0 = reader.level(0);
        LevelInfo level = reader.level(plan.level());
        double ds = level.downsample();
        // OpenSlideFM: sx = tw / W0 * ds (left to right), sy likewise.
        double sx = (double) maskWidth / (double) level0.width() * ds;
        double sy = (double) maskHeight / (double) level0.height() * ds;
        int[] integral = integral(tissueMask, maskWidth, maskHeight);

        int size = plan.readSize();
        int stride = plan.readStride();
        boolean raster = options.rules().selection() == Selection.RASTER;
        // NB04: one overhanging tile when the level is smaller than a tile; NB10's range(0, Wl − T + 1, stride): none.
        long maxX = raster ? level.width() - size : Math.max(level.width() - size, 0);
        long maxY = raster ? level.height() - size : Math.max(level.height() - size, 0);
        int budget = options.budget(target);
        List<long[]> candidates = new ArrayList<>();
        int grid = 0;
        scan:
        for (long y = 0; y <= maxY; y += stride) {
            for (long x = 0; x <= maxX; x += stride) {
                grid++;
                double cov = options.rules().coverage() == Coverage.MASK
                    ? coverage(integral, maskWidth, maskHeight, sx, sy, x, y, size)
                    : tileCoverage(reader, plan.level(), ds, x, y, size);
                if (cov >= options.minCoverage()) {
                    candidates.add(new long[] {x, y});
                    if (raster && candidates.size() >= budget) {
                        break scan; // NB10 stops at the first budget tissue tiles
                    }
                }
            }
        }

        long seed = stableSeed(jobSeed, fingerprint, target);
        int[] chosen = sample(candidates.size(), budget, seed);
        List<TileCoord> tiles = new ArrayList<>(chosen.length);
        for (int i = 0; i < chosen.length; i++) {
            long[] c = candidates.get(chosen[i]);
            tiles.add(new TileCoord(slideId, target, plan.level(), (long) Math.rint(c[0] * ds),
                (long) Math.rint(c[1] * ds), c[0], c[1], size, size - stride, plan.approxMpp(), i, seed));
        }
        return new Result(tiles, plan, grid, candidates.size(), seed);
    }

    /**
     * Indices of the kept candidates, ascending (grid order): all when {@code n ≤ budget}, else a uniform sample of
     * {@code budget} without replacement (partial Fisher–Yates over {@code java.util.Random(seed)}).
     */
    static int[] sample(int n, int budget, long seed) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (n <= budget) {
            return idx;
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < budget; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = Arrays.copyOf(idx, budget);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * OpenSlideFM's coverage of the tile at level pixels (x, y) of side {@code size}: the mean of the mask over
     * {@code [int(y·sy), int((y+size)·sy)) × [int(x·sx), int((x+size)·sx))}, clamped to the mask, 0 when empty.
     * DEVIATION: OpenSlideFM clamps the exclusive ends to {@code maskW − 1} / {@code maskH − 1} (so the last mask
     * column and row never count); we clamp them to {@code maskW} / {@code maskH}.
     */
    static double coverage(int[] integral, int maskW, int maskH, double sx, double sy, long x, long y, int size) {
        long mx0 = Math.max(0, (long) (x * sx));
        long my0 = Math.max(0, (long) (y * sy));
        long mx1 = Math.min(maskW, (long) ((x + size) * sx));
        long my1 = Math.min(maskH, (long) ((y + size) * sy));
        if (mx1 <= mx0 || my1 <= my0) {
            return 0.0;
        }
        int stride = maskW + 1;
        long sum = (long) integral[(int) (my1 * stride + mx1)] - integral[(int) (my0 * stride + mx1)]
            - integral[(int) (my1 * stride + mx0)] + integral[(int) (my0 * stride + mx0)];
        return (double) sum / (double) ((mx1 - mx0) * (my1 - my0));
    }

    /**
     * NB10's coverage: the fraction of the tile's own pixels (read at the level, {@code size}² at level pixels
     * (x, y), level-0 origin {@code rint(x·ds), rint(y·ds)} as the features step reads it; NB10 truncates) that are tissue ({@code S ≥ 20 ∧ V < 230}, PIL HSV).
     */
    static double tileCoverage(SlideReader reader, int level, double ds, long x, long y, int size) {
        RgbImage tile = reader.readRegion(new org.slidebatch.slide.RegionRequest((long) Math.rint(x * ds), (long) Math.rint(y * ds),
            level, size, size));
        byte[] tissue = maskFromThumbnail(tile);
        int n = 0;
        for (byte b : tissue) {
            if (b != 0) {
                n++;
            }
        }
        return (double) n / tissue.length;
    }

    /** Summed-area table of (mask ≠ 0), (w+1)×(h+1), row-major. */
    static int[] integral(byte[] mask, int w, int h) {
        int stride = w + 1;
        int[] s = new int[stride * (h + 1)];
        for (int y = 0; y < h; y++) {
            int row = 0;
            for (int x = 0; x < w; x++) {
                row += mask[y * w + x] != 0 ? 1 : 0;
                s[(y + 1) * stride + x + 1] = s[y * stride + x + 1] + row;
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- seed

    /**
     * The sampling seed of one slide at one scale: the first 8 bytes (big-endian) of SHA-256 over the UTF-8 text
     * {@code jobSeed + "|" + fingerprint + "|" + Double.toString(target)} (e.g. {@code "1337|ab12…|0.5"}). Stable
     * across runs, JVMs and machines; changes when the slide's content (fingerprint) changes.
     */
    public static long stableSeed(long jobSeed, String fingerprint, double target) {
        String text = jobSeed + "|" + Objects.requireNonNull(fingerprint, "fingerprint") + "|" + Double.toString(target);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xffL);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static void requirePositive(double v, String what) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + v);
        }
    }
}
