package org.slidebatch.synth;

import java.util.SplittableRandom;

/**
 * A procedural H&amp;E-like image defined at every level-0 point, so any level and any tile can be painted
 * independently and in parallel without holding the slide in memory: tissue blobs with noisy borders on
 * a near-white background, eosin stroma, hematoxylin nuclei on a jittered cell lattice, optional pen
 * strokes and an optional out-of-focus disc.
 */
final class TissuePainter {

    private final SyntheticSlideSpec spec;
    private final long hashSeed;
    private final double[][] blobs; // cx, cy, rx, ry, cos, sin
    private final double noiseScale;
    private final double cellSize;
    private final double nucleusProbability;
    private final double nucleusRadius;
    private final int[] stroma;
    private final int[] nucleus;
    private final double[][] pen; // x0, y0, x1, y1, halfWidth
    private final int[] penColour;
    private final double[] blur; // cx, cy, r
    private final double[] stainGain; // per-center RGB gain on tissue, {1,1,1} without a look

    TissuePainter(SyntheticSlideSpec spec) {
        this.spec = spec;
        SplittableRandom rnd = new SplittableRandom(spec.seed());
        this.hashSeed = rnd.nextLong();
        int w = spec.width();
        int h = spec.height();
        int count = 1 + rnd.nextInt(3);
        blobs = new double[count][];
        for (int i = 0; i < count; i++) {
            double rx = w * (0.15 + 0.17 * rnd.nextDouble());
            double ry = h * (0.15 + 0.17 * rnd.nextDouble());
            double cx = rx * 0.8 + (w - 1.6 * rx) * rnd.nextDouble();
            double cy = ry * 0.8 + (h - 1.6 * ry) * rnd.nextDouble();
            double angle = Math.PI * rnd.nextDouble();
            blobs[i] = new double[] {cx, cy, rx, ry, Math.cos(angle), Math.sin(angle)};
        }
        noiseScale = Math.max(w, h) / 10.0;
        double mpp = spec.mpp() == null ? 0.5 : spec.mpp();
        cellSize = 10.0 / mpp; // about 10 µm between cells
        boolean tumour = spec.label() % 2 == 1;
        double probability = tumour ? 0.75 : 0.35;
        double radius = cellSize * (tumour ? 0.36 : 0.24);
        stroma = tumour ? new int[] {222, 150, 196} : new int[] {236, 160, 190};
        nucleus = tumour ? new int[] {72, 44, 128} : new int[] {98, 64, 150};
        SyntheticSlideSpec.Look look = spec.look();
        if (look != null) {
            // Cancer types differ in tissue: nuclear density, size and stroma hue.
            double[][] type = {{0.30, 0.22, 0}, {0.55, 0.28, 12}, {0.75, 0.34, -14}, {0.45, 0.40, 24}};
            double[] t = type[Math.floorMod(look.cancerIndex(), type.length)];
            double g = look.grade() / 5.0;
            probability = Math.min(0.95, t[0] + 0.25 * g);
            radius = cellSize * (t[1] + 0.10 * g);
            stroma[0] = clamp(stroma[0] - t[2] * 0.5);
            stroma[2] = clamp(stroma[2] + t[2]);
            nucleus[0] = clamp(nucleus[0] - 30 * g);
            nucleus[1] = clamp(nucleus[1] - 20 * g);
            // Each center stains differently: a fixed RGB gain per center index.
            SplittableRandom c = new SplittableRandom(0x5EED_C0DEL + look.center());
            stainGain = new double[] {0.88 + 0.24 * c.nextDouble(), 0.85 + 0.30 * c.nextDouble(), 0.88 + 0.24 * c.nextDouble()};
        } else {
            stainGain = null;
        }
        nucleusProbability = probability;
        nucleusRadius = radius;
        if (spec.penMarks()) {
            double x0 = w * (0.05 + 0.3 * rnd.nextDouble());
            double y0 = h * (0.05 + 0.9 * rnd.nextDouble());
            double x1 = w * (0.65 + 0.3 * rnd.nextDouble());
            double y1 = h * (0.05 + 0.9 * rnd.nextDouble());
            pen = new double[][] {{x0, y0, x1, y1, Math.max(w, h) * 0.006}};
            int[][] colours = {{30, 140, 60}, {40, 60, 170}, {30, 30, 40}};
            penColour = colours[rnd.nextInt(colours.length)];
        } else {
            pen = new double[0][];
            penColour = null;
        }
        if (spec.blurredRegion()) {
            double[] b = blobs[0];
            blur = new double[] {b[0], b[1], Math.min(b[2], b[3]) * 0.6};
        } else {
            blur = null;
        }
    }

    /** Paints a tile of a level into an RGB buffer (row-major, 3 bytes a pixel). */
    void paint(int[] rgbOut, long levelX, long levelY, int tileW, int tileH, double downsample, long levelWidth, long levelHeight) {
        for (int ty = 0; ty < tileH; ty++) {
            long ly = levelY + ty;
            for (int tx = 0; tx < tileW; tx++) {
                long lx = levelX + tx;
                int o = (ty * tileW + tx);
                if (lx >= levelWidth || ly >= levelHeight) {
                    rgbOut[o] = 0xFFFFFF; // padding of edge tiles
                    continue;
                }
                double x = (lx + 0.5) * downsample;
                double y = (ly + 0.5) * downsample;
                rgbOut[o] = colourAt(x, y, downsample);
            }
        }
    }

    int colourAt(double x, double y, double downsample) {
        double field = -1;
        for (double[] b : blobs) {
            double dx = x - b[0];
            double dy = y - b[1];
            double u = (dx * b[4] + dy * b[5]) / b[2];
            double v = (-dx * b[5] + dy * b[4]) / b[3];
            field = Math.max(field, 1 - (u * u + v * v));
        }
        field += 0.35 * (valueNoise(x / noiseScale, y / noiseScale, 1) - 0.5)
            + 0.15 * (valueNoise(x / (noiseScale / 3), y / (noiseScale / 3), 2) - 0.5);
        double r;
        double g;
        double b;
        int grain = (int) (hash(Math.floorDiv((long) x, 4), Math.floorDiv((long) y, 4), 7) & 7) - 3;
        if (field <= 0) {
            r = 243 + grain;
            g = 243 + grain;
            b = 245 + grain;
        } else {
            double stain = valueNoise(x / (noiseScale / 6), y / (noiseScale / 6), 3);
            r = stroma[0] - 25 * stain;
            g = stroma[1] - 35 * stain;
            b = stroma[2] - 15 * stain;
            // Thin tissue at the border fades towards the background.
            double edge = Math.min(1, field * 8);
            double density = nucleusDensity(x, y, downsample);
            r = mix(r, nucleus[0], density);
            g = mix(g, nucleus[1], density);
            b = mix(b, nucleus[2], density);
            if (stainGain != null) {
                r *= stainGain[0];
                g *= stainGain[1];
                b *= stainGain[2];
            }
            r = mix(243, r, edge) + grain;
            g = mix(243, g, edge) + grain;
            b = mix(245, b, edge) + grain;
        }
        for (double[] p : pen) {
            double d = distanceToSegment(x, y, p);
            double wobble = p[4] * (0.7 + 0.6 * valueNoise(x / (noiseScale / 2), y / (noiseScale / 2), 5));
            if (d < wobble) {
                r = mix(r, penColour[0], 0.85);
                g = mix(g, penColour[1], 0.85);
                b = mix(b, penColour[2], 0.85);
            }
        }
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    /** Fraction of a pixel covered by hematoxylin; soft-edged inside the out-of-focus disc. */
    private double nucleusDensity(double x, double y, double downsample) {
        long cx = (long) Math.floor(x / cellSize);
        long cy = (long) Math.floor(y / cellSize);
        double softness = 1.0;
        if (blur != null) {
            double dx = x - blur[0];
            double dy = y - blur[1];
            if (dx * dx + dy * dy < blur[2] * blur[2]) {
                softness = cellSize * 0.45;
            }
        }
        double best = 0;
        for (long j = cy - 1; j <= cy + 1; j++) {
            for (long i = cx - 1; i <= cx + 1; i++) {
                long h = hash(i, j, 11);
                if ((h & 0xFFFF) / 65536.0 >= nucleusProbability) {
                    continue;
                }
                double nx = (i + 0.2 + 0.6 * ((h >>> 16) & 0xFF) / 255.0) * cellSize;
                double ny = (j + 0.2 + 0.6 * ((h >>> 24) & 0xFF) / 255.0) * cellSize;
                double radius = nucleusRadius * (0.8 + 0.4 * ((h >>> 32) & 0xFF) / 255.0);
                double d = Math.hypot(x - nx, y - ny) - radius;
                double soft = Math.max(softness, downsample * 0.5);
                double cover = d <= -soft ? 1 : d >= soft ? 0 : 0.5 - d / (2 * soft);
                best = Math.max(best, cover);
            }
        }
        // At low resolution nuclei are sub-pixel: use their mean coverage so thumbnails keep the stain balance.
        double mean = nucleusProbability * Math.PI * nucleusRadius * nucleusRadius / (cellSize * cellSize);
        double lowRes = Math.min(1, downsample / cellSize);
        return mix(best, mean, lowRes) * 0.9;
    }

    private static double distanceToSegment(double x, double y, double[] s) {
        double vx = s[2] - s[0];
        double vy = s[3] - s[1];
        double t = ((x - s[0]) * vx + (y - s[1]) * vy) / (vx * vx + vy * vy);
        t = Math.max(0, Math.min(1, t));
        return Math.hypot(x - (s[0] + t * vx), y - (s[1] + t * vy));
    }

    private double valueNoise(double x, double y, int octaveSalt) {
        long x0 = (long) Math.floor(x);
        long y0 = (long) Math.floor(y);
        double fx = smooth(x - x0);
        double fy = smooth(y - y0);
        double a = unit(hash(x0, y0, octaveSalt));
        double b = unit(hash(x0 + 1, y0, octaveSalt));
        double c = unit(hash(x0, y0 + 1, octaveSalt));
        double d = unit(hash(x0 + 1, y0 + 1, octaveSalt));
        return mix(mix(a, b, fx), mix(c, d, fx), fy);
    }

    private long hash(long x, long y, int salt) {
        long h = hashSeed ^ (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL) ^ (salt * 0x165667B19E3779F9L);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    private static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double mix(double a, double b, double t) {
        return a + (b - a) * t;
    }

    private static int clamp(double v) {
        return v < 0 ? 0 : v > 255 ? 255 : (int) Math.round(v);
    }

    SyntheticSlideSpec spec() {
        return spec;
    }
}
