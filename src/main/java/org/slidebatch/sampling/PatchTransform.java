package org.slidebatch.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.slidebatch.slide.RgbImage;

/**
 * An 8-bit RGB → RGB patch transform. Randomness comes only from {@code rng}, which the stream derives from the
 * root seed per read attempt, so a transform never holds random state and threads do not change results.
 * Implementations are immutable and thread-safe.
 */
public interface PatchTransform {

    RgbImage apply(RgbImage image, SplittableRandom rng);

    /** The spelling {@link #parseList} reads back. */
    String spec();

    /**
     * A comma-separated list: {@code flip_rotate} (0.5 each), {@code hflip[:p]}, {@code vflip[:p]},
     * {@code rot90[:p]}, {@code hed[:sigma]} (default 0.05), {@code resize:SIZE}. Blank → none.
     */
    static List<PatchTransform> parseList(String spec) {
        List<PatchTransform> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String raw : spec.split(",")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty() || item.equals("none")) {
                continue;
            }
            String name = item;
            String arg = null;
            int colon = item.indexOf(':');
            if (colon >= 0) {
                name = item.substring(0, colon).trim();
                arg = item.substring(colon + 1).trim();
            }
            out.add(switch (name) {
                case "flip_rotate", "fliprot" -> new RandomFlipRotate(0.5, 0.5, 0.5);
                case "hflip" -> new RandomFlipRotate(prob(arg, name), 0, 0);
                case "vflip" -> new RandomFlipRotate(0, prob(arg, name), 0);
                case "rot90" -> new RandomFlipRotate(0, 0, prob(arg, name));
                case "hed" -> new HedJitter(arg == null ? HedJitter.DEFAULT_SIGMA : number(arg, name));
                case "resize" -> {
                    if (arg == null) {
                        throw new IllegalArgumentException("resize needs a size, e.g. resize:224");
                    }
                    yield new Resize((int) number(arg, name));
                }
                default -> throw new IllegalArgumentException("unknown transform '" + raw.trim()
                    + "' (known: flip_rotate, hflip[:p], vflip[:p], rot90[:p], hed[:sigma], resize:SIZE)");
            });
        }
        return out;
    }

    static String specOf(List<PatchTransform> transforms) {
        return String.join(",", transforms.stream().map(PatchTransform::spec).toList());
    }

    private static double prob(String arg, String name) {
        return arg == null ? 0.5 : number(arg, name);
    }

    private static double number(String arg, String name) {
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + arg + "'");
        }
    }
}
