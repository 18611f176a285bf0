package org.slidebatch.sampling;

import java.util.List;
import java.util.Map;

/**
 * The GPFM recipe of the wsistream page (seeds/000, SPEC §5): 512 px patches at level 0 (native resolution, no
 * µm/px normalisation), RandomSampler with wsistream's defaults otherwise (threshold 0.4, 50 retries, infinite),
 * tissue from GPFM's TCGA CLAM preset ({@code gpfm-tcga}: use_otsu, a_t 16, a_h 4), pool 8, 100 attempts per
 * slide, one per visit, cycling forever, and DINOv2-style views (an approximation: the paper does not publish
 * them): {@code global_0, global_1} = RandomResizedCrop(224, scale 0.32–1.0) and {@code local_0 … local_7} =
 * RandomResizedCrop(98, scale 0.05–0.32), ratio 3/4–4/3, ImageNet normalisation (the paper's). No per-view
 * augmentation (the paper does not state one; add {@code flip_rotate}/{@code hed} per view to taste).
 * {@code jobs-config/stream-gpfm.properties} describes the same recipe.
 */
public final class GpfmRecipe {

    public static final String TISSUE_PRESET = "gpfm-tcga";

    private GpfmRecipe() {
    }

    public static List<ViewConfig> views() {
        return List.of(
            new ViewConfig("global", new RandomResizedCrop(224, 0.32, 1.0), 2),
            new ViewConfig("local", new RandomResizedCrop(98, 0.05, 0.32), 8));
    }

    public static PatchStreamConfig config() {
        return config(0L);
    }

    public static PatchStreamConfig config(long seed) {
        return PatchStreamConfig.builder()
            .poolSize(8)
            .patchesPerSlide(100)
            .patchesPerVisit(1)
            .cycle(true)
            .seed(seed)
            .slideSampling("sequential")
            .sampler(new RandomSampler(512, -1, 0, null, 0.4, 50, true))
            .tissue(TissueSource.clam(TISSUE_PRESET, Map.of()))
            .maskMaxSide(2048)
            .views(views())
            .normalization(Normalization.IMAGENET)
            .threads(1)
            .build();
    }
}
