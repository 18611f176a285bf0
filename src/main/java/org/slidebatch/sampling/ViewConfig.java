package org.slidebatch.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * One named output view (wsistream's {@code ViewConfig}, SPEC §5): an optional {@link RandomResizedCrop} of the
 * read patch, then per-view transforms; {@code count} independent draws named {@code name_0 … name_{count−1}}
 * when count > 1, {@code name} when count = 1.
 */
public record ViewConfig(String name, RandomResizedCrop crop, int count, List<PatchTransform> transforms) {

    public ViewConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("view name must be non-empty");
        }
        if (count < 1) {
            throw new IllegalArgumentException("view count must be >= 1, got " + count);
        }
        transforms = transforms == null ? List.of() : List.copyOf(transforms);
    }

    public ViewConfig(String name, RandomResizedCrop crop, int count) {
        this(name, crop, count, List.of());
    }

    /** This view's output names after expanding {@code count}. */
    public List<String> names() {
        if (count == 1) {
            return List.of(name);
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(name + "_" + i);
        }
        return out;
    }

    /** All output names of a view list, in order. */
    public static List<String> expandNames(List<ViewConfig> views) {
        List<String> out = new ArrayList<>();
        for (ViewConfig v : views) {
            out.addAll(v.names());
        }
        return out;
    }
}
