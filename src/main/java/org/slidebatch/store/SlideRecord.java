package org.slidebatch.store;

import java.time.Instant;

/**
 * One slide as the manifest recorded it. {@code status} is {@code ok}, {@code unopenable},
 * {@code unreadable}, {@code unsupported_format} (a known slide format this OpenSlide does not read),
 * {@code duplicate_id} or {@code duplicate_content} (the same file as another slide, under another name); {@code error} says why for the others.
 */
public record SlideRecord(
    String slideId,
    String path,
    String cancerCode,
    String fingerprint,
    String fingerprintSha256,
    Long fileSize,
    Instant mtime,
    String vendor,
    Long width,
    Long height,
    Integer levelCount,
    String levelDimensions,
    String levelDownsamples,
    Double mppX,
    Double mppY,
    String mppSource,
    Double objectivePower,
    String associatedImages,
    String status,
    String error,
    Long manifestJobInstanceId,
    Long manifestJobExecutionId,
    Long manifestStepExecutionId,
    Instant recordedAt) {

    public static final String OK = "ok";
    public static final String UNOPENABLE = "unopenable";
    public static final String UNREADABLE = "unreadable";
    public static final String DUPLICATE_ID = "duplicate_id";
    public static final String VANISHED = "vanished";
    public static final String UNSUPPORTED_FORMAT = "unsupported_format";
    /** The same content (quick fingerprint) as another slide already recorded under another name: not used twice. */
    public static final String DUPLICATE_CONTENT = "duplicate_content";

    public boolean isOk() {
        return OK.equals(status);
    }

    public boolean mppMissing() {
        return mppX == null;
    }

    public SlideRecord withExecution(long instanceId, long jobExecutionId, long stepExecutionId) {
        return new SlideRecord(slideId, path, cancerCode, fingerprint, fingerprintSha256, fileSize, mtime, vendor, width,
            height, levelCount, levelDimensions, levelDownsamples, mppX, mppY, mppSource, objectivePower,
            associatedImages, status, error, instanceId, jobExecutionId, stepExecutionId, recordedAt);
    }

    public SlideRecord withStatus(String newStatus, String newError) {
        return new SlideRecord(slideId, path, cancerCode, fingerprint, fingerprintSha256, fileSize, mtime, vendor, width,
            height, levelCount, levelDimensions, levelDownsamples, mppX, mppY, mppSource, objectivePower,
            associatedImages, newStatus, newError, manifestJobInstanceId, manifestJobExecutionId,
            manifestStepExecutionId, recordedAt);
    }
}
