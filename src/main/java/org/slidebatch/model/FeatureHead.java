package org.slidebatch.model;

import java.util.Arrays;
import java.util.Locale;

/** What the 768-d feature is, after the last ConvNeXt stage (SPEC §6). */
public enum FeatureHead {

    /**
     * OpenSlideFM's feature (the default): torchvision {@code convnext_tiny(...).features} → global average pool →
     * flatten. No LayerNorm: the values are the un-normalised mean of the last stage.
     */
    TORCHVISION_GAP("torchvision"),

    /**
     * timm's pooled pre-logits: global average pool, then the head's LayerNorm (timm {@code head.norm}, torchvision
     * {@code classifier.0}, eps 1e-6). Needs those two weights in the file.
     */
    TIMM_POOLED_LAYERNORM("timm");

    private final String cliName;

    FeatureHead(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in reports: {@code torchvision} or {@code timm}. */
    public String cliName() {
        return cliName;
    }

    public static FeatureHead parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (FeatureHead h : values()) {
            if (h.cliName.equals(n) || h.name().toLowerCase(Locale.ROOT).equals(n)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown feature head '" + name + "' (use "
            + String.join(" or ", Arrays.stream(values()).map(FeatureHead::cliName).toList()) + ")");
    }
}
