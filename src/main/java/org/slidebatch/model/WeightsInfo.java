package org.slidebatch.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the extractor's weights are, for reports and the compute passport.
 *
 * @param format      {@code safetensors}, {@code torchscript} or {@code random}
 * @param path        the file (absolute), null for random weights
 * @param sha256      hex SHA-256 of the file, null for random weights
 * @param naming      key names found in a safetensors file: {@code timm}, {@code torchvision} or {@code mixed}; null otherwise
 * @param seed        the seed of random weights, null otherwise
 * @param ignoredKeys file tensors that are known but not used (classifier Linear, an unused head LayerNorm)
 */
public record WeightsInfo(String format, Path path, String sha256, String naming, Long seed, List<String> ignoredKeys) {

    public boolean random() {
        return "random".equals(format);
    }

    /** One line: {@code FILE (format, naming) sha256 HEX}, or {@code RANDOM (seed S) — not a trained model}. */
    public String description() {
        if (random()) {
            return "RANDOM (seed " + seed + ") — not a trained model";
        }
        return path + " (" + format + (naming == null ? "" : ", " + naming + " key names") + ") sha256 " + sha256;
    }

    /** The fields as a JSON-ready map (for the passport and the bench/embed reports). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("random", random());
        if (random()) {
            m.put("seed", seed);
            m.put("note", "random initialisation (explicit flag): not a trained model");
        } else {
            m.put("path", path.toString());
            m.put("sha256", sha256);
            if (naming != null) {
                m.put("naming", naming);
            }
            if (!ignoredKeys.isEmpty()) {
                m.put("ignored_keys", ignoredKeys);
            }
        }
        m.put("description", description());
        return m;
    }
}
