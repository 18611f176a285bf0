package org.slidebatch.tissue;

import java.util.List;

import org.slidebatch.slide.RgbImage;

/** wsistream's {@code CombinedTissueDetector}: tissue where every detector says tissue (logical AND). */
public final class CombinedTissueDetector implements TissueDetector {

    private final List<TissueDetector> detectors;

    public CombinedTissueDetector(List<TissueDetector> detectors) {
        if (detectors == null || detectors.isEmpty()) {
            throw new IllegalArgumentException("CombinedTissueDetector requires at least one detector");
        }
        this.detectors = List.copyOf(detectors);
    }

    public CombinedTissueDetector(TissueDetector... detectors) {
        this(List.of(detectors));
    }

    /** wsistream's usual pairing: Otsu for tissue, HSV to exclude fat and glass, both with defaults. */
    public static CombinedTissueDetector otsuAndHsv() {
        return new CombinedTissueDetector(new OtsuTissueDetector(), new HsvTissueDetector());
    }

    public List<TissueDetector> detectors() {
        return detectors;
    }

    @Override
    public byte[] detect(RgbImage thumbnail) {
        byte[] result = detectors.getFirst().detect(thumbnail);
        for (int d = 1; d < detectors.size(); d++) {
            byte[] m = detectors.get(d).detect(thumbnail);
            for (int i = 0; i < result.length; i++) {
                result[i] = (result[i] != 0 && m[i] != 0) ? (byte) 255 : 0;
            }
        }
        return result;
    }
}
