package org.slidebatch.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.PixelCalibration;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.SlideException;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.store.SlideRecord;

/**
 * Turns a found file into a manifest row: fingerprint, open, metadata, calibration, and one small probe read
 * (a file that opens but whose pixels cannot be decoded is {@code unreadable}, not {@code ok}). Never throws
 * for a bad slide: the row carries the status and the reason, so the run goes on.
 */
public final class ManifestInspector {

    /** Per-slide µm/px from a user CSV (slide_id → mpp), used when the file itself has none. */
    private final Map<String, Double> mppOverrides;
    private final boolean fullChecksum;
    private final Function<java.nio.file.Path, SlideReader> opener;

    public ManifestInspector(Map<String, Double> mppOverrides, boolean fullChecksum,
                             Function<java.nio.file.Path, SlideReader> opener) {
        this.mppOverrides = Map.copyOf(mppOverrides);
        this.fullChecksum = fullChecksum;
        this.opener = opener;
    }

    public SlideRecord inspect(SlideRef ref) {
        Instant now = Instant.now();
        String fingerprint = null;
        String sha256 = null;
        Long size = null;
        Instant mtime = null;
        try {
            BasicFileAttributes attrs = Files.readAttributes(ref.path(), BasicFileAttributes.class);
            size = attrs.size();
            mtime = attrs.lastModifiedTime().toInstant();
            fingerprint = SlideFingerprint.quick(ref.path());
            if (fullChecksum) {
                sha256 = SlideFingerprint.fullSha256(ref.path());
            }
        } catch (NoSuchFileException e) {
            return failed(ref, SlideRecord.VANISHED, "file disappeared after the scan", null, null, size, mtime, now);
        } catch (java.nio.file.AccessDeniedException e) {
            return failed(ref, SlideRecord.UNREADABLE, "cannot read file: permission denied", null, null, size, mtime, now);
        } catch (IOException e) {
            return failed(ref, SlideRecord.UNREADABLE, "cannot read file: " + e, null, null, size, mtime, now);
        }
        if (size == 0) {
            return failed(ref, SlideRecord.UNOPENABLE, "empty file (0 bytes)", fingerprint, sha256, size, mtime, now);
        }
        try (SlideReader reader = opener.apply(ref.path())) {
            Map<String, String> props = reader.properties();
            PixelCalibration cal = reader.calibration();
            if (!cal.isKnown() && mppOverrides.containsKey(ref.slideId())) {
                double mpp = mppOverrides.get(ref.slideId());
                cal = new PixelCalibration(mpp, mpp, "override-csv");
            }
            String status = SlideRecord.OK;
            String error = null;
            try {
                probe(reader);
            } catch (SlideException e) {
                status = SlideRecord.UNREADABLE;
                error = e.reason();
            }
            String dims = reader.levels().stream().map(l -> l.width() + "x" + l.height()).collect(Collectors.joining(";"));
            String ds = reader.levels().stream().map(l -> String.format(Locale.ROOT, "%.6f", l.downsample()))
                .collect(Collectors.joining(";"));
            return new SlideRecord(ref.slideId(), ref.path().toString(), ref.cancerCode(), fingerprint, sha256, size,
                mtime, reader.vendor(), reader.width(), reader.height(), reader.levelCount(), dims, ds,
                cal.isKnown() ? cal.mppX() : null, cal.isKnown() ? cal.mppY() : null, cal.source(),
                objectivePower(props), String.join(";", reader.associatedImageNames()), status, error,
                null, null, null, now);
        } catch (SlideException e) {
            return notOpened(ref, e.reason() + tiffHint(ref.path(), size, e.reason()), fingerprint, sha256, size, mtime, now);
        } catch (RuntimeException e) {
            return notOpened(ref, e.toString() + tiffHint(ref.path(), size, e.toString()), fingerprint, sha256, size, mtime, now);
        }
    }

    /**
     * For a file that starts like a TIFF (the container of SVS, generic TIFF, NDPI…) but does not open: whether its
     * first directory lies past the end of the file (truncated), else that it is probably damaged. Only where
     * OpenSlide's own reason is the generic one (it names a specific fault itself otherwise).
     */
    static String tiffHint(java.nio.file.Path path, Long size, String why) {
        byte[] head = new byte[16];
        int n;
        try (var in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return "";
        }
        if (n < 8 || size == null || !why.contains("not a slide format")) {
            return "";
        }
        boolean little = head[0] == 'I' && head[1] == 'I';
        boolean big = head[0] == 'M' && head[1] == 'M';
        if (!little && !big) {
            return "";
        }
        var buf = java.nio.ByteBuffer.wrap(head).order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        int magic = buf.getShort(2) & 0xffff;
        long firstIfd;
        if (magic == 42) {
            firstIfd = buf.getInt(4) & 0xffffffffL;
        } else if (magic == 43 && n >= 16) {
            firstIfd = buf.getLong(8);
        } else {
            return "";
        }
        if (firstIfd >= size) {
            return "; the file has a TIFF header but is truncated: its first directory is at byte " + firstIfd
                + ", past the end of the file (" + size + " bytes)";
        }
        return "; the file has a TIFF header (" + size + " bytes): it is probably truncated or damaged";
    }

    /** A file OpenSlide could not open: {@code unsupported_format} for a known format it does not read, else {@code unopenable}. */
    private static SlideRecord notOpened(SlideRef ref, String why, String fingerprint, String sha256, Long size,
                                         Instant mtime, Instant now) {
        return SlideFormats.otherFormat(ref.path())
            .map(format -> failed(ref, SlideRecord.UNSUPPORTED_FORMAT, format + " (" + SlideFormats.extension(ref.path())
                + ") is not a format " + openSlideName() + " reads (" + why + "); convert it to a pyramidal TIFF to use it",
                fingerprint, sha256, size, mtime, now))
            .orElseGet(() -> failed(ref, SlideRecord.UNOPENABLE, why, fingerprint, sha256, size, mtime, now));
    }

    private static String openSlideName() {
        try {
            return "OpenSlide " + org.slidebatch.slide.OpenSlideReader.libraryVersion();
        } catch (RuntimeException | LinkageError e) {
            return "the OpenSlide here";
        }
    }

    /** A 64×64 read at the centre of the smallest level: cheap, and it decodes at least one tile. */
    static void probe(SlideReader reader) {
        LevelInfo last = reader.levels().getLast();
        int w = (int) Math.min(64, last.width());
        int h = (int) Math.min(64, last.height());
        long cx = (long) (last.width() / 2.0 * last.downsample());
        long cy = (long) (last.height() / 2.0 * last.downsample());
        reader.readRegion(new RegionRequest(cx, cy, last.level(), w, h));
    }

    private static Double objectivePower(Map<String, String> props) {
        for (String key : new String[] {"openslide.objective-power", "aperio.AppMag"}) {
            String v = props.get(key);
            if (v != null) {
                try {
                    return Double.parseDouble(v.trim());
                } catch (NumberFormatException ignored) {
                    // try the next key
                }
            }
        }
        return null;
    }

    private static SlideRecord failed(SlideRef ref, String status, String reason, String fingerprint, String sha256,
                                      Long size, Instant mtime, Instant now) {
        return new SlideRecord(ref.slideId(), ref.path().toString(), ref.cancerCode(), fingerprint, sha256, size, mtime,
            null, null, null, null, null, null, null, null, "missing", null, null, status, reason, null, null, null, now);
    }
}
