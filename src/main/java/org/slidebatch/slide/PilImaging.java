package org.slidebatch.slide;

/**
 * Pillow 9.4's resizing of 8-bit RGB images, ported operation for operation so that results are equal byte for
 * byte: {@code Image.thumbnail} (its aspect-preserving size rule and {@code reducing_gap}), {@code Image.resize}
 * (the reduce-then-resample split), {@code ImagingReduce} (integer box averaging with Pillow's fixed-point
 * reciprocal) and {@code ImagingResample} (separable convolution, coefficients normalised to
 * {@value #PRECISION_BITS}-bit fixed point, horizontal pass then vertical pass, results clipped to 0–255).
 * Box coordinates are single-precision floats, as Pillow's C layer receives them.
 *
 * <p>Why a port and not Java2D or OpenCV: OpenSlideFM's thumbnails ({@code openslide.get_thumbnail}) and its
 * 256 → 224 tile resize (torchvision on PIL images) are Pillow's; QC blur variance and token coverage depend on
 * the exact pixels, and a different filter moves them by tens of percent.
 */
public final class PilImaging {

    /** Pillow's resampling filters with their support radius (NEAREST is not needed here). */
    public enum Filter {
        BOX(0.5), BILINEAR(1.0), HAMMING(1.0), BICUBIC(2.0), LANCZOS(3.0);

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        public double support() {
            return support;
        }

        double weight(double x) {
            return switch (this) {
                case BOX -> x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
                case BILINEAR -> {
                    double a = Math.abs(x);
                    yield a < 1.0 ? 1.0 - a : 0.0;
                }
                case HAMMING -> {
                    double a = Math.abs(x);
                    if (a == 0.0) {
                        yield 1.0;
                    }
                    if (a >= 1.0) {
                        yield 0.0;
                    }
                    a = a * Math.PI;
                    // 0.54f and 0.46f are float literals in Pillow, widened to double
                    yield StrictMath.sin(a) / a * ((double) 0.54f + (double) 0.46f * StrictMath.cos(a));
                }
                case BICUBIC -> {
                    double a = Math.abs(x);
                    double c = -0.5;
                    if (a < 1.0) {
                        yield ((c + 2.0) * a - (c + 3.0)) * a * a + 1;
                    }
                    if (a < 2.0) {
                        yield (((a - 5) * a + 8) * a - 4) * c;
                    }
                    yield 0.0;
                }
                case LANCZOS -> -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            };
        }

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            double px = x * Math.PI;
            return StrictMath.sin(px) / px;
        }
    }

    /** Fixed-point precision of Pillow's 8-bit resampling coefficients: 32 − 8 − 2. */
    public static final int PRECISION_BITS = 32 - 8 - 2;

    private PilImaging() {
    }

    // ------------------------------------------------------------------ Image.thumbnail

    /**
     * The size {@code Image.thumbnail((maxWidth, maxHeight))} gives an image of {@code width × height}: the image's
     * own size when it already fits, otherwise the aspect-preserving size whose ratio is closest to the image's
     * (floor preferred on a tie, at least 1). Returns {@code {w, h}}.
     */
    public static int[] thumbnailSize(int width, int height, int maxWidth, int maxHeight) {
        int x = maxWidth;
        int y = maxHeight;
        if (x >= width && y >= height) {
            return new int[] {width, height};
        }
        double aspect = (double) width / height;
        if ((double) x / y >= aspect) {
            double number = y * aspect;
            int lo = (int) Math.floor(number);
            int hi = (int) Math.ceil(number);
            int yy = y;
            x = Math.max(Math.abs(aspect - (double) lo / yy) <= Math.abs(aspect - (double) hi / yy) ? lo : hi, 1);
        } else {
            double number = x / aspect;
            int lo = (int) Math.floor(number);
            int hi = (int) Math.ceil(number);
            int xx = x;
            double keyLo = lo == 0 ? 0 : Math.abs(aspect - (double) xx / lo);
            double keyHi = hi == 0 ? 0 : Math.abs(aspect - (double) xx / hi);
            y = Math.max(keyLo <= keyHi ? lo : hi, 1);
        }
        return new int[] {x, y};
    }

    /** {@code Image.thumbnail((maxWidth, maxHeight), filter)} with Pillow's default {@code reducing_gap=2.0}. */
    public static RgbImage thumbnail(RgbImage image, int maxWidth, int maxHeight, Filter filter) {
        int[] size = thumbnailSize(image.width(), image.height(), maxWidth, maxHeight);
        if (size[0] == image.width() && size[1] == image.height()) {
            return image;
        }
        return resize(image, size[0], size[1], filter, 2.0);
    }

    // ------------------------------------------------------------------ Image.resize

    /** {@code Image.resize((width, height), filter)} without a box or reducing gap (torchvision's call). */
    public static RgbImage resize(RgbImage image, int width, int height, Filter filter) {
        if (width == image.width() && height == image.height()) {
            return image;
        }
        return resample(image, width, height, filter, 0f, 0f, image.width(), image.height());
    }

    /**
     * {@code Image.resize((width, height), filter, reducing_gap=gap)} over the whole image: when the image is at
     * least {@code 2·gap} times larger in a direction, first {@link #reduce} by {@code int(scale / gap)} over the
     * filter's safe box, then resample the remaining box.
     */
    public static RgbImage resize(RgbImage image, int width, int height, Filter filter, double reducingGap) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize to " + width + "x" + height);
        }
        if (width == image.width() && height == image.height()) {
            return image;
        }
        double b0 = 0;
        double b1 = 0;
        double b2 = image.width();
        double b3 = image.height();
        RgbImage im = image;
        int factorX = Math.max((int) ((b2 - b0) / width / reducingGap), 1);
        int factorY = Math.max((int) ((b3 - b1) / height / reducingGap), 1);
        if (factorX > 1 || factorY > 1) {
            // Image._get_safe_box
            double filterSupport = filter.support() - 0.5;
            double supportX = filterSupport * ((b2 - b0) / width);
            double supportY = filterSupport * ((b3 - b1) / height);
            int r0 = Math.max(0, (int) (b0 - supportX));
            int r1 = Math.max(0, (int) (b1 - supportY));
            int r2 = (int) Math.min(image.width(), Math.ceil(b2 + supportX));
            int r3 = (int) Math.min(image.height(), Math.ceil(b3 + supportY));
            im = reduce(image, factorX, factorY, r0, r1, r2, r3);
            b0 = (b0 - r0) / factorX;
            b1 = (b1 - r1) / factorY;
            b2 = (b2 - r0) / factorX;
            b3 = (b3 - r1) / factorY;
        }
        float f0 = (float) b0;
        float f1 = (float) b1;
        float f2 = (float) b2;
        float f3 = (float) b3;
        // _imaging.c: an integral box of the requested size is a crop
        if (f0 - (int) f0 == 0 && f2 - f0 == width && f1 - (int) f1 == 0 && f3 - f1 == height) {
            return crop(im, (int) f0, (int) f1, width, height);
        }
        return resample(im, width, height, filter, f0, f1, f2, f3);
    }

    private static RgbImage crop(RgbImage im, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(im.rgb(), ((y0 + y) * im.width() + x0) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    // ------------------------------------------------------------------ ImagingReduce

    /** Pillow's {@code division_UINT32(divider, 8)}: 2^32 / (256·divider) in single precision, truncated. */
    static long reciprocal(int divider) {
        float maxInt = 4294967296f;
        return (long) (maxInt / (float) (256L * divider));
    }

    private static int average(long sum, int count) {
        long amend = count / 2;
        return (int) ((((sum + amend) * reciprocal(count)) & 0xffffffffL) >>> 24);
    }

    /**
     * {@code Image.reduce((factorX, factorY), box=(x0, y0, x1, y1))}: each output pixel is the mean of a
     * {@code factorX × factorY} block of the box (partial blocks at the right and bottom averaged over what they
     * cover), rounded with Pillow's fixed-point reciprocal. Output size: ceil(box size / factor).
     */
    public static RgbImage reduce(RgbImage in, int factorX, int factorY, int x0, int y0, int x1, int y1) {
        if (factorX < 1 || factorY < 1 || x0 < 0 || y0 < 0 || x1 > in.width() || y1 > in.height() || x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException("bad reduce " + factorX + "x" + factorY + " box " + x0 + "," + y0 + "," + x1 + "," + y1);
        }
        int bw = x1 - x0;
        int bh = y1 - y0;
        int ow = (bw + factorX - 1) / factorX;
        int oh = (bh + factorY - 1) / factorY;
        byte[] src = in.rgb();
        int sw = in.width();
        byte[] out = new byte[ow * oh * 3];
        for (int oy = 0; oy < oh; oy++) {
            int ys = y0 + oy * factorY;
            int ye = Math.min(ys + factorY, y1);
            for (int ox = 0; ox < ow; ox++) {
                int xs = x0 + ox * factorX;
                int xe = Math.min(xs + factorX, x1);
                int count = (ye - ys) * (xe - xs);
                long r = 0;
                long g = 0;
                long b = 0;
                for (int y = ys; y < ye; y++) {
                    int p = (y * sw + xs) * 3;
                    for (int x = xs; x < xe; x++, p += 3) {
                        r += src[p] & 0xff;
                        g += src[p + 1] & 0xff;
                        b += src[p + 2] & 0xff;
                    }
                }
                int o = (oy * ow + ox) * 3;
                out[o] = (byte) average(r, count);
                out[o + 1] = (byte) average(g, count);
                out[o + 2] = (byte) average(b, count);
            }
        }
        return new RgbImage(ow, oh, out);
    }

    // ------------------------------------------------------------------ ImagingResample

    /** Per output pixel: first input index, number of taps, and the taps as fixed-point integers. */
    private record Coefficients(int ksize, int[] bounds, int[] kk) {
    }

    /** {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    private static Coefficients coefficients(int inSize, float in0, float in1, int outSize, Filter filter) {
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = filter.support() * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        double[] kk = new double[outSize * ksize];
        int[] bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int k = xx * ksize;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * ss);
                kk[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    kk[k + x] /= ww;
                }
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        int[] fixed = new int[kk.length];
        for (int i = 0; i < kk.length; i++) {
            fixed[i] = kk[i] < 0
                ? (int) (-0.5 + kk[i] * (1 << PRECISION_BITS))
                : (int) (0.5 + kk[i] * (1 << PRECISION_BITS));
        }
        return new Coefficients(ksize, bounds, fixed);
    }

    private static int clip8(int in) {
        int v = in >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * {@code ImagingResample(im, width, height, filter, box)}: the box {@code (x0, y0, x1, y1)} of {@code in}
     * (float coordinates) resampled to {@code width × height}; the horizontal pass runs only on the rows the
     * vertical pass reads.
     */
    public static RgbImage resample(RgbImage in, int width, int height, Filter filter, float x0, float y0, float x1, float y1) {
        boolean needHorizontal = width != in.width() || x0 != 0 || x1 != width;
        boolean needVertical = height != in.height() || y0 != 0 || y1 != height;
        Coefficients vert = coefficients(in.height(), y0, y1, height, filter);
        int yFirst = vert.bounds[0];
        int yLast = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];
        int[] vBounds = vert.bounds.clone();
        RgbImage cur = in;
        if (needHorizontal) {
            Coefficients hor = coefficients(in.width(), x0, x1, width, filter);
            for (int i = 0; i < height; i++) {
                vBounds[i * 2] -= yFirst;
            }
            cur = horizontal(in, width, yFirst, yLast - yFirst, hor);
        }
        if (needVertical) {
            cur = vertical(cur, height, vBounds, vert);
        }
        return cur == in ? new RgbImage(in.width(), in.height(), in.rgb().clone()) : cur;
    }

    private static RgbImage horizontal(RgbImage in, int outW, int offset, int rows, Coefficients c) {
        byte[] src = in.rgb();
        int sw = in.width();
        byte[] out = new byte[outW * rows * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < rows; yy++) {
            int row = (yy + offset) * sw * 3;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = c.bounds[xx * 2];
                int xmax = c.bounds[xx * 2 + 1];
                int k = xx * c.ksize;
                int s0 = half;
                int s1 = half;
                int s2 = half;
                int p = row + xmin * 3;
                for (int x = 0; x < xmax; x++, p += 3) {
                    int w = c.kk[k + x];
                    s0 += (src[p] & 0xff) * w;
                    s1 += (src[p + 1] & 0xff) * w;
                    s2 += (src[p + 2] & 0xff) * w;
                }
                int o = (yy * outW + xx) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(outW, rows, out);
    }

    private static RgbImage vertical(RgbImage in, int outH, int[] bounds, Coefficients c) {
        byte[] src = in.rgb();
        int w = in.width();
        byte[] out = new byte[w * outH * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[yy * 2];
            int ymax = bounds[yy * 2 + 1];
            int k = yy * c.ksize;
            for (int xx = 0; xx < w; xx++) {
                int s0 = half;
                int s1 = half;
                int s2 = half;
                for (int y = 0; y < ymax; y++) {
                    int p = ((y + ymin) * w + xx) * 3;
                    int wt = c.kk[k + y];
                    s0 += (src[p] & 0xff) * wt;
                    s1 += (src[p + 1] & 0xff) * wt;
                    s2 += (src[p + 2] & 0xff) * wt;
                }
                int o = (yy * w + xx) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(w, outH, out);
    }

    // ------------------------------------------------------------------ Image.paste with an RGBA mask

    /**
     * {@code Image.new('RGB', size, background).paste(rgba, None, rgba)}: each channel blended as
     * {@code DIV255(bg·(255 − a) + c·a)} with Pillow's rounding division by 255.
     *
     * @param rgba        interleaved, not premultiplied RGBA
     * @param background  0xRRGGBB
     */
    public static RgbImage compositeOver(int width, int height, byte[] rgba, int background) {
        int n = width * height;
        if (rgba.length != n * 4) {
            throw new IllegalArgumentException("rgba buffer has " + rgba.length + " bytes, expected " + n * 4);
        }
        int[] bg = {(background >> 16) & 0xff, (background >> 8) & 0xff, background & 0xff};
        byte[] out = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            int a = rgba[i * 4 + 3] & 0xff;
            for (int c = 0; c < 3; c++) {
                int v = bg[c] * (255 - a) + (rgba[i * 4 + c] & 0xff) * a;
                int tmp = v + 128;
                out[i * 3 + c] = (byte) (((tmp >> 8) + tmp) >> 8);
            }
        }
        return new RgbImage(width, height, out);
    }
}
