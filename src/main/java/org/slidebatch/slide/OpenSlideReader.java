package org.slidebatch.slide;

import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * {@link SlideReader} over libopenslide through Java's FFM API.
 *
 * <p>OpenSlide's errors are sticky: after one failure every read of the handle returns transparent
 * pixels without failing. We therefore check {@code openslide_get_error} after every call and turn a
 * message into a {@link SlideException}. All calls but close are thread-safe on one handle, so one
 * reader is shared by all threads; a read/write lock keeps close from racing reads in flight.
 */
public final class OpenSlideReader implements SlideReader {

    private final Path path;
    private final OpenSlideLibrary lib;
    private final MemorySegment handle;
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private boolean closed;

    private final String vendor;
    private final List<LevelInfo> levels;
    private final Map<String, String> properties;
    private final Set<String> associatedNames;

    private OpenSlideReader(Path path, OpenSlideLibrary lib, MemorySegment handle, String vendor) {
        this.path = path;
        this.lib = lib;
        this.handle = handle;
        this.vendor = vendor;
        try {
            int count = (int) lib.getLevelCount.invokeExact(handle);
            checkError("reading the level count");
            if (count < 1) {
                throw new SlideException(path, "OpenSlide reports no pyramid levels");
            }
            List<LevelInfo> lv = new ArrayList<>(count);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment w = arena.allocate(ValueLayout.JAVA_LONG);
                MemorySegment h = arena.allocate(ValueLayout.JAVA_LONG);
                for (int i = 0; i < count; i++) {
                    lib.getLevelDimensions.invokeExact(handle, i, w, h);
                    double ds = (double) lib.getLevelDownsample.invokeExact(handle, i);
                    lv.add(new LevelInfo(i, w.get(ValueLayout.JAVA_LONG, 0), h.get(ValueLayout.JAVA_LONG, 0), ds));
                }
            }
            checkError("reading level dimensions");
            this.levels = List.copyOf(lv);

            Map<String, String> props = new LinkedHashMap<>();
            MemorySegment names = (MemorySegment) lib.getPropertyNames.invokeExact(handle);
            try (Arena arena = Arena.ofConfined()) {
                for (String name : OpenSlideLibrary.cStringArray(names)) {
                    MemorySegment v = (MemorySegment) lib.getPropertyValue.invokeExact(handle, arena.allocateFrom(name));
                    props.put(name, OpenSlideLibrary.cString(v));
                }
            }
            this.properties = Collections.unmodifiableMap(props);
            MemorySegment assoc = (MemorySegment) lib.getAssociatedImageNames.invokeExact(handle);
            this.associatedNames = Collections.unmodifiableSet(new LinkedHashSet<>(OpenSlideLibrary.cStringArray(assoc)));
            checkError("reading properties");
        } catch (SlideException e) {
            closeHandle();
            throw e;
        } catch (Throwable t) {
            closeHandle();
            throw new SlideException(path, "OpenSlide failed while reading metadata: " + t, t);
        }
    }

    /** Opens a slide; the exception carries OpenSlide's own error string when it has one. */
    public static OpenSlideReader open(Path path) {
        OpenSlideLibrary lib = OpenSlideLibrary.get();
        if (!Files.isRegularFile(path)) {
            throw new SlideException(path, "no such file");
        }
        if (!Files.isReadable(path)) {
            throw new SlideException(path, "file is not readable (permissions)");
        }
        String file = path.toAbsolutePath().toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(file);
            String vendor = OpenSlideLibrary.cString((MemorySegment) lib.detectVendor.invokeExact(cPath));
            MemorySegment h = (MemorySegment) lib.open.invokeExact(cPath);
            if (h.equals(MemorySegment.NULL)) {
                String version = OpenSlideLibrary.version();
                boolean dicom = file.toLowerCase(java.util.Locale.ROOT).endsWith(".dcm");
                throw new SlideException(path, vendor != null
                    ? "OpenSlide detected vendor '" + vendor + "' but could not open it"
                    : dicom ? "DICOM whole-slide images need OpenSlide 4.0 or newer; this is OpenSlide " + version
                    : "not a slide format OpenSlide " + version + " recognises");
            }
            String err = OpenSlideLibrary.cString((MemorySegment) lib.getError.invokeExact(h));
            if (err != null) {
                lib.close.invokeExact(h);
                throw new SlideException(path, "OpenSlide: " + err);
            }
            return new OpenSlideReader(path, lib, h, vendor == null ? "unknown" : vendor);
        } catch (SlideException e) {
            throw e;
        } catch (Throwable t) {
            throw new SlideException(path, "OpenSlide call failed: " + t, t);
        }
    }

    /** The vendor OpenSlide detects for a file without opening it, or null. */
    public static String detectVendor(Path path) {
        OpenSlideLibrary lib = OpenSlideLibrary.get();
        try (Arena arena = Arena.ofConfined()) {
            return OpenSlideLibrary.cString((MemorySegment) lib.detectVendor.invokeExact(arena.allocateFrom(path.toAbsolutePath().toString())));
        } catch (Throwable t) {
            throw OpenSlideLibrary.rethrow(t);
        }
    }

    public static boolean isAvailable() {
        return OpenSlideLibrary.isAvailable();
    }

    public static String libraryVersion() {
        return OpenSlideLibrary.version();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String readerName() {
        return "openslide";
    }

    @Override
    public String vendor() {
        return vendor;
    }

    @Override
    public List<LevelInfo> levels() {
        return levels;
    }

    @Override
    public int bestLevelForDownsample(double downsample) {
        return withHandle(() -> (int) lib.getBestLevelForDownsample.invokeExact(handle, downsample));
    }

    @Override
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public Set<String> associatedImageNames() {
        return associatedNames;
    }

    @Override
    public BufferedImage readAssociatedImage(String name) {
        if (!associatedNames.contains(name)) {
            throw new IllegalArgumentException(path + ": no associated image '" + name + "' (has " + associatedNames + ")");
        }
        return withHandle(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment cName = arena.allocateFrom(name);
                MemorySegment w = arena.allocate(ValueLayout.JAVA_LONG);
                MemorySegment h = arena.allocate(ValueLayout.JAVA_LONG);
                lib.getAssociatedImageDimensions.invokeExact(handle, cName, w, h);
                int width = Math.toIntExact(w.get(ValueLayout.JAVA_LONG, 0));
                int height = Math.toIntExact(h.get(ValueLayout.JAVA_LONG, 0));
                checkError("reading associated image '" + name + "'");
                MemorySegment argb = arena.allocate(ValueLayout.JAVA_INT, (long) width * height);
                lib.readAssociatedImage.invokeExact(handle, cName, argb);
                checkError("reading associated image '" + name + "'");
                return argbToRgb(argb, width, height).toBufferedImage();
            }
        });
    }

    @Override
    public RgbImage readRegion(RegionRequest r) {
        return readArgb(r, OpenSlideReader::argbToRgb);
    }

    @Override
    public RgbaImage readRegionRgba(RegionRequest r) {
        return readArgb(r, OpenSlideReader::argbToRgba);
    }

    @FunctionalInterface
    private interface ArgbConverter<T> {
        T convert(MemorySegment argb, int width, int height);
    }

    /** One {@code openslide_read_region} into native memory, converted before the arena closes. */
    private <T> T readArgb(RegionRequest r, ArgbConverter<T> convert) {
        level(r.level());
        return withHandle(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment argb = arena.allocate(ValueLayout.JAVA_INT, (long) r.width() * r.height());
                lib.readRegion.invokeExact(handle, argb, r.x(), r.y(), r.level(), (long) r.width(), (long) r.height());
                checkError("reading region " + r);
                return convert.convert(argb, r.width(), r.height());
            }
        });
    }

    /** Premultiplied ARGB words to openslide-python's RGBA: un-premultiplied, transparent stays (0,0,0,0). */
    static RgbaImage argbToRgba(MemorySegment argb, int width, int height) {
        int n = width * height;
        byte[] rgba = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            // read in place: a thumbnail's whole-level read is large, no int[] copy
            int p = argb.getAtIndex(ValueLayout.JAVA_INT, i);
            int a = p >>> 24;
            int r = (p >>> 16) & 0xff;
            int g = (p >>> 8) & 0xff;
            int b = p & 0xff;
            if (a != 0 && a != 255) {
                r = 255 * r / a;
                g = 255 * g / a;
                b = 255 * b / a;
            }
            int o = i * 4;
            rgba[o] = (byte) r;
            rgba[o + 1] = (byte) g;
            rgba[o + 2] = (byte) b;
            rgba[o + 3] = (byte) a;
        }
        return new RgbaImage(width, height, rgba);
    }

    /**
     * OpenSlide returns premultiplied ARGB in native-endian words. Un-premultiply with openslide-python's
     * integer arithmetic and map fully transparent pixels (outside the scanned area) to white.
     */
    static RgbImage argbToRgb(MemorySegment argb, int width, int height) {
        int n = width * height;
        int[] words = argb.toArray(ValueLayout.JAVA_INT);
        byte[] rgb = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            int p = words[i];
            int a = p >>> 24;
            int r = (p >>> 16) & 0xff;
            int g = (p >>> 8) & 0xff;
            int b = p & 0xff;
            if (a == 0) {
                r = g = b = 255;
            } else if (a != 255) {
                r = 255 * r / a;
                g = 255 * g / a;
                b = 255 * b / a;
            }
            int o = i * 3;
            rgb[o] = (byte) r;
            rgb[o + 1] = (byte) g;
            rgb[o + 2] = (byte) b;
        }
        return new RgbImage(width, height, rgb);
    }

    private void checkError(String what) throws Throwable {
        MemorySegment e = (MemorySegment) lib.getError.invokeExact(handle);
        String err = OpenSlideLibrary.cString(e);
        if (err != null) {
            throw new SlideException(path, "OpenSlide error while " + what + ": " + err);
        }
    }

    @FunctionalInterface
    private interface NativeCall<T> {
        T call() throws Throwable;
    }

    private <T> T withHandle(NativeCall<T> call) {
        closeLock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(path + ": slide reader is closed");
            }
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SlideException(path, "OpenSlide call failed: " + t, t);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    private void closeHandle() {
        try {
            lib.close.invokeExact(handle);
        } catch (Throwable ignored) {
            // nothing useful to do: the handle is gone either way
        }
    }

    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeHandle();
            }
        } finally {
            closeLock.writeLock().unlock();
        }
    }
}
