package org.slidebatch.manifest;

/** One row of manifest.parquet; column names are the snake_case of the component names (SPEC §9). */
public record ManifestRow(
    String slideId,
    String path,
    String cancerCode,
    String fingerprint,
    String fingerprintSha256,
    Long sizeBytes,
    String vendor,
    Long width,
    Long height,
    Integer levelCount,
    String levelDimensions,
    String levelDownsamples,
    Double mppX,
    Double mppY,
    String mppSource,
    boolean mppMissing,
    Double objectivePower,
    String associatedImages,
    String status,
    String error) {
}
