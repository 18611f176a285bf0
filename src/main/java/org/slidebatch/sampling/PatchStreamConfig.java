package org.slidebatch.sampling;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything that determines a patch stream (SPEC §5), under wsistream's names where it has them.
 *
 * @param poolSize        slides open at once (8)
 * @param patchesPerSlide read attempts per visit of a slide, failed and filtered ones included (100)
 * @param patchesPerVisit consecutive attempts on one slide before moving to the next in the pool (1)
 * @param cycle           re-queue the slides forever
 * @param seed            the one root seed every random stream derives from
 * @param slideSampling   {@code sequential} (the given order) or {@code random} (a new shuffle per pass)
 * @param sampler         where patches are proposed
 * @param tissue          where the tissue mask comes from (a CLAM preset or a wsistream detector)
 * @param maskMaxSide     side of the square box the mask thumbnail fits in (2048; wsistream's {@code get_thumbnail((n, n))})
 * @param assumeMpp       µm/px used for slides without one when the sampler has a target µm/px (null: such slides
 *                        fail with {@code mpp_missing})
 * @param filter          per-patch check after the read (null: none)
 * @param transforms      applied to the read patch (before the views, when there are views)
 * @param views           named multi-crop views (empty: one image per result)
 * @param normalization   the last step on every output image (null: 8-bit RGB out)
 * @param threads         reader/worker threads (1); results do not depend on it
 * @param prefetch        attempts in flight at most (0: 2 × threads + 2); bounds memory with the pool
 */
public record PatchStreamConfig(int poolSize, int patchesPerSlide, int patchesPerVisit, boolean cycle, long seed,
                                String slideSampling, Sampler sampler, TissueSource tissue, int maskMaxSide,
                                Double assumeMpp, PatchFilter filter, List<PatchTransform> transforms,
                                List<ViewConfig> views, Normalization normalization, int threads, int prefetch) {

    public static final Set<String> RESERVED_VIEW_NAMES = Set.of("image", "x", "y", "level", "patch_size",
        "slide_path", "slide_id", "mpp", "tissue_fraction");

    public PatchStreamConfig {
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool_size must be >= 1, got " + poolSize);
        }
        if (patchesPerSlide < 1) {
            throw new IllegalArgumentException("patches_per_slide must be >= 1, got " + patchesPerSlide);
        }
        if (patchesPerVisit < 1) {
            throw new IllegalArgumentException("patches_per_visit must be >= 1, got " + patchesPerVisit);
        }
        if (!"sequential".equals(slideSampling) && !"random".equals(slideSampling)) {
            throw new IllegalArgumentException("slide_sampling must be sequential or random, got " + slideSampling);
        }
        if (sampler == null) {
            throw new IllegalArgumentException("a sampler is required");
        }
        if (tissue == null) {
            throw new IllegalArgumentException("a tissue source is required");
        }
        if (maskMaxSide < 16) {
            throw new IllegalArgumentException("mask_max_side must be >= 16, got " + maskMaxSide);
        }
        if (assumeMpp != null && !(assumeMpp > 0)) {
            throw new IllegalArgumentException("assume_mpp must be > 0, got " + assumeMpp);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: read on the caller's thread), got " + threads);
        }
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be >= 0, got " + prefetch);
        }
        transforms = transforms == null ? List.of() : List.copyOf(transforms);
        views = views == null ? List.of() : List.copyOf(views);
        List<String> names = ViewConfig.expandNames(views);
        if (names.size() != Set.copyOf(names).size()) {
            throw new IllegalArgumentException("view names collide: " + names);
        }
        for (String n : names) {
            if (RESERVED_VIEW_NAMES.contains(n)) {
                throw new IllegalArgumentException("view name '" + n + "' is reserved");
            }
        }
    }

    /** wsistream's defaults: pool 8, 100 per slide, 1 per visit, no cycle, seed 0, RandomSampler defaults, Otsu. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.poolSize = poolSize;
        b.patchesPerSlide = patchesPerSlide;
        b.patchesPerVisit = patchesPerVisit;
        b.cycle = cycle;
        b.seed = seed;
        b.slideSampling = slideSampling;
        b.sampler = sampler;
        b.tissue = tissue;
        b.maskMaxSide = maskMaxSide;
        b.assumeMpp = assumeMpp;
        b.filter = filter;
        b.transforms = transforms;
        b.views = views;
        b.normalization = normalization;
        b.threads = threads;
        b.prefetch = prefetch;
        return b;
    }

    public PatchStreamConfig withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    public PatchStreamConfig withThreads(int t) {
        return toBuilder().threads(t).build();
    }

    public PatchStreamConfig withTissue(TissueSource t) {
        return toBuilder().tissue(t).build();
    }

    /** Attempts in flight at most. */
    public int effectivePrefetch() {
        return prefetch > 0 ? prefetch : 2 * Math.max(1, threads) + 2;
    }

    public static final class Builder {
        private int poolSize = 8;
        private int patchesPerSlide = 100;
        private int patchesPerVisit = 1;
        private boolean cycle;
        private long seed;
        private String slideSampling = "sequential";
        private Sampler sampler = RandomSampler.defaults();
        private TissueSource tissue;
        private int maskMaxSide = 2048;
        private Double assumeMpp;
        private PatchFilter filter;
        private List<PatchTransform> transforms = List.of();
        private List<ViewConfig> views = List.of();
        private Normalization normalization;
        private int threads = 1;
        private int prefetch;

        public Builder poolSize(int v) { poolSize = v; return this; }
        public Builder patchesPerSlide(int v) { patchesPerSlide = v; return this; }
        public Builder patchesPerVisit(int v) { patchesPerVisit = v; return this; }
        public Builder cycle(boolean v) { cycle = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder slideSampling(String v) { slideSampling = v; return this; }
        public Builder sampler(Sampler v) { sampler = v; return this; }
        public Builder tissue(TissueSource v) { tissue = v; return this; }
        public Builder maskMaxSide(int v) { maskMaxSide = v; return this; }
        public Builder assumeMpp(Double v) { assumeMpp = v; return this; }
        public Builder filter(PatchFilter v) { filter = v; return this; }
        public Builder transforms(List<PatchTransform> v) { transforms = v; return this; }
        public Builder views(List<ViewConfig> v) { views = v; return this; }
        public Builder normalization(Normalization v) { normalization = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder prefetch(int v) { prefetch = v; return this; }

        public PatchStreamConfig build() {
            TissueSource t = tissue != null ? tissue : TissueSource.named("otsu");
            return new PatchStreamConfig(poolSize, patchesPerSlide, patchesPerVisit, cycle, seed, slideSampling, sampler,
                t, maskMaxSide, assumeMpp, filter, transforms, views, normalization, threads, prefetch);
        }
    }

    // ---- properties -------------------------------------------------------------------------------------

    /** Loads a {@code jobs-config/stream-*.properties} file; see {@link #fromProperties}. */
    public static PatchStreamConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return fromProperties(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keys (wsistream's names): {@code pool_size, patches_per_slide, patches_per_visit, cycle, seed, slide_sampling,
     * sampler} ({@code random|grid}), {@code patch_size, num_patches, level, target_mpp, tissue_threshold,
     * max_retries, replacement} ({@code with_replacement|without_replacement}), {@code stride}, {@code tissue}
     * (CLAM preset or detector) with CLAM overrides {@code tissue.<clam name>}, {@code mask_max_side,
     * assume_mpp, filter, transforms, normalize} ({@code imagenet|none}), {@code views} (names) with
     * {@code view.<name>.size|scale|ratio|count|transforms}, {@code threads, prefetch}. Unknown keys are errors.
     */
    public static PatchStreamConfig fromProperties(Properties props) {
        Map<String, String> p = new TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            String v = props.getProperty(k).trim();
            if (!v.isEmpty()) {
                p.put(k.trim(), v);
            }
        }
        Map<String, String> used = new LinkedHashMap<>();
        Builder b = builder();
        b.poolSize(intKey(p, used, "pool_size", 8));
        b.patchesPerSlide(intKey(p, used, "patches_per_slide", 100));
        b.patchesPerVisit(intKey(p, used, "patches_per_visit", 1));
        b.cycle(boolKey(p, used, "cycle", false));
        b.seed(longKey(p, used, "seed", 0));
        b.slideSampling(str(p, used, "slide_sampling", "sequential").toLowerCase(Locale.ROOT));
        String samplerName = str(p, used, "sampler", "random").toLowerCase(Locale.ROOT);
        int patchSize = intKey(p, used, "patch_size", 256);
        int level = intKey(p, used, "level", 0);
        double threshold = doubleKey(p, used, "tissue_threshold", 0.4);
        switch (samplerName) {
            case "random" -> {
                String repl = str(p, used, "replacement", "with_replacement").toLowerCase(Locale.ROOT);
                if (!repl.equals("with_replacement") && !repl.equals("without_replacement")) {
                    throw new IllegalArgumentException("replacement must be with_replacement or without_replacement, got " + repl);
                }
                String mpp = str(p, used, "target_mpp", null);
                b.sampler(new RandomSampler(patchSize, intKey(p, used, "num_patches", -1), level,
                    mpp == null ? null : parseDouble("target_mpp", mpp), threshold, intKey(p, used, "max_retries", 50),
                    repl.equals("with_replacement")));
            }
            case "grid" -> b.sampler(new GridSampler(patchSize, level, intKey(p, used, "stride", patchSize), threshold));
            default -> throw new IllegalArgumentException("sampler must be random or grid, got " + samplerName);
        }
        String tissueName = str(p, used, "tissue", "otsu");
        Map<String, String> clamOverrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : p.entrySet()) {
            if (e.getKey().startsWith("tissue.")) {
                clamOverrides.put(e.getKey().substring("tissue.".length()), e.getValue());
                used.put(e.getKey(), e.getValue());
            }
        }
        if (clamOverrides.isEmpty()) {
            b.tissue(TissueSource.named(tissueName));
        } else {
            if (TissueSource.DETECTORS.contains(tissueName.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("tissue.* overrides are CLAM parameters; tissue=" + tissueName + " is not a CLAM preset");
            }
            b.tissue(TissueSource.clam(tissueName.toLowerCase(Locale.ROOT), clamOverrides));
        }
        b.maskMaxSide(intKey(p, used, "mask_max_side", 2048));
        String assume = str(p, used, "assume_mpp", null);
        b.assumeMpp(assume == null ? null : parseDouble("assume_mpp", assume));
        b.filter(PatchFilter.parse(str(p, used, "filter", null)));
        b.transforms(PatchTransform.parseList(str(p, used, "transforms", null)));
        String norm = str(p, used, "normalize", "none");
        b.normalization(norm.equalsIgnoreCase("none") ? null : Normalization.named(norm));
        List<ViewConfig> views = new ArrayList<>();
        String viewNames = str(p, used, "views", null);
        if (viewNames != null) {
            for (String raw : viewNames.split(",")) {
                String name = raw.trim();
                if (name.isEmpty()) {
                    continue;
                }
                String k = "view." + name + ".";
                String size = str(p, used, k + "size", null);
                RandomResizedCrop crop = null;
                if (size != null) {
                    double[] scale = pair(k + "scale", str(p, used, k + "scale", null));
                    if (scale == null) {
                        throw new IllegalArgumentException(k + "scale is required with " + k + "size (no default, as wsistream)");
                    }
                    double[] ratio = pair(k + "ratio", str(p, used, k + "ratio", null));
                    crop = new RandomResizedCrop(Integer.parseInt(size), scale[0], scale[1],
                        ratio == null ? RandomResizedCrop.RATIO_MIN : ratio[0], ratio == null ? RandomResizedCrop.RATIO_MAX : ratio[1]);
                }
                views.add(new ViewConfig(name, crop, intKey(p, used, k + "count", 1),
                    PatchTransform.parseList(str(p, used, k + "transforms", null))));
            }
        }
        b.views(views);
        b.threads(intKey(p, used, "threads", 1));
        b.prefetch(intKey(p, used, "prefetch", 0));
        List<String> unknown = p.keySet().stream().filter(k -> !used.containsKey(k)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown stream parameter(s) " + unknown);
        }
        return b.build();
    }

    /** This config under the properties keys (for stats and provenance); views expanded per name. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool_size", poolSize);
        m.put("patches_per_slide", patchesPerSlide);
        m.put("patches_per_visit", patchesPerVisit);
        m.put("cycle", cycle);
        m.put("seed", seed);
        m.put("slide_sampling", slideSampling);
        switch (sampler) {
            case RandomSampler r -> {
                m.put("sampler", "random");
                m.put("patch_size", r.patchSize());
                m.put("num_patches", r.numPatches());
                m.put("level", r.level());
                m.put("target_mpp", r.targetMpp());
                m.put("tissue_threshold", r.tissueThreshold());
                m.put("max_retries", r.maxRetries());
                m.put("replacement", r.withReplacement() ? "with_replacement" : "without_replacement");
            }
            case GridSampler g -> {
                m.put("sampler", "grid");
                m.put("patch_size", g.patchSize());
                m.put("level", g.level());
                m.put("stride", g.stride());
                m.put("tissue_threshold", g.tissueThreshold());
            }
        }
        m.put("tissue", tissue.name());
        m.put("mask_max_side", maskMaxSide);
        m.put("assume_mpp", assumeMpp);
        m.put("filter", filter == null ? "none" : filter.spec());
        m.put("transforms", PatchTransform.specOf(transforms));
        m.put("normalize", normalization == null ? "none" : normalization.name());
        List<Map<String, Object>> vs = new ArrayList<>();
        for (ViewConfig v : views) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("name", v.name());
            vm.put("count", v.count());
            if (v.crop() != null) {
                vm.put("size", v.crop().size());
                vm.put("scale", List.of(v.crop().scaleMin(), v.crop().scaleMax()));
                vm.put("ratio", List.of(v.crop().ratioMin(), v.crop().ratioMax()));
            }
            vm.put("transforms", PatchTransform.specOf(v.transforms()));
            vs.add(vm);
        }
        m.put("views", vs);
        m.put("threads", threads);
        m.put("prefetch", effectivePrefetch());
        return m;
    }

    private static String str(Map<String, String> p, Map<String, String> used, String key, String def) {
        String v = p.get(key);
        if (v != null) {
            used.put(key, v);
            return v;
        }
        return def;
    }

    private static int intKey(Map<String, String> p, Map<String, String> used, String key, int def) {
        String v = str(p, used, key, null);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static long longKey(Map<String, String> p, Map<String, String> used, String key, long def) {
        String v = str(p, used, key, null);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static double doubleKey(Map<String, String> p, Map<String, String> used, String key, double def) {
        String v = str(p, used, key, null);
        return v == null ? def : parseDouble(key, v);
    }

    private static boolean boolKey(Map<String, String> p, Map<String, String> used, String key, boolean def) {
        String v = str(p, used, key, null);
        if (v == null) {
            return def;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }

    private static double parseDouble(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }

    /** {@code a,b} or {@code a-b}... only {@code a,b} (fractions like 3/4 allowed). */
    private static double[] pair(String key, String v) {
        if (v == null) {
            return null;
        }
        String[] parts = v.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException(key + " must be two numbers 'min,max', got '" + v + "'");
        }
        return new double[] {fraction(key, parts[0].trim()), fraction(key, parts[1].trim())};
    }

    private static double fraction(String key, String s) {
        int slash = s.indexOf('/');
        if (slash > 0) {
            return parseDouble(key, s.substring(0, slash)) / parseDouble(key, s.substring(slash + 1));
        }
        return parseDouble(key, s);
    }
}
