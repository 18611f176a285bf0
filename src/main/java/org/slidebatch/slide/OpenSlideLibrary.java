package org.slidebatch.slide;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the part of the libopenslide C API we use (OpenSlide 3.4.1, Debian's
 * libopenslide0). Loaded once by soname: Debian ships no unversioned .so without the -dev package.
 */
final class OpenSlideLibrary {

    static final String SONAME = "libopenslide.so.0";

    private static final NativeLibrary<OpenSlideLibrary> LIBRARY =
        new NativeLibrary<>("OpenSlide", "libopenslide0", OpenSlideLibrary::new);

    final MethodHandle open;
    final MethodHandle close;
    final MethodHandle detectVendor;
    final MethodHandle getError;
    final MethodHandle getLevelCount;
    final MethodHandle getLevelDimensions;
    final MethodHandle getLevelDownsample;
    final MethodHandle getBestLevelForDownsample;
    final MethodHandle readRegion;
    final MethodHandle getPropertyNames;
    final MethodHandle getPropertyValue;
    final MethodHandle getAssociatedImageNames;
    final MethodHandle getAssociatedImageDimensions;
    final MethodHandle readAssociatedImage;
    final MethodHandle getVersion;

    private OpenSlideLibrary() {
        NativeLibrary.Symbols lib = NativeLibrary.Symbols.load(SONAME);
        open = lib.downcall("openslide_open", FunctionDescriptor.of(ADDRESS, ADDRESS));
        close = lib.downcall("openslide_close", FunctionDescriptor.ofVoid(ADDRESS));
        detectVendor = lib.downcall("openslide_detect_vendor", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getError = lib.downcall("openslide_get_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getLevelCount = lib.downcall("openslide_get_level_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getLevelDimensions = lib.downcall("openslide_get_level_dimensions",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        getLevelDownsample = lib.downcall("openslide_get_level_downsample",
            FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT));
        getBestLevelForDownsample = lib.downcall("openslide_get_best_level_for_downsample",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE));
        readRegion = lib.downcall("openslide_read_region",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        getPropertyNames = lib.downcall("openslide_get_property_names", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getPropertyValue = lib.downcall("openslide_get_property_value",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        getAssociatedImageNames = lib.downcall("openslide_get_associated_image_names",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
        getAssociatedImageDimensions = lib.downcall("openslide_get_associated_image_dimensions",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        readAssociatedImage = lib.downcall("openslide_read_associated_image",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        getVersion = lib.downcall("openslide_get_version", FunctionDescriptor.of(ADDRESS));
    }

    /** The loaded library, or an exception that says how to install it. */
    static OpenSlideLibrary get() {
        return LIBRARY.get();
    }

    static boolean isAvailable() {
        return LIBRARY.isAvailable();
    }

    /** OpenSlide's version string, e.g. 3.4.1. */
    static String version() {
        try {
            MemorySegment s = (MemorySegment) get().getVersion.invokeExact();
            return cString(s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String cString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** A NULL-terminated array of C strings, as OpenSlide returns for property and image names. */
    static List<String> cStringArray(MemorySegment array) {
        List<String> out = new ArrayList<>();
        if (array.equals(MemorySegment.NULL)) {
            return out;
        }
        MemorySegment all = array.reinterpret(Long.MAX_VALUE);
        for (long i = 0; ; i++) {
            MemorySegment p = all.getAtIndex(ValueLayout.ADDRESS, i);
            if (p.equals(MemorySegment.NULL)) {
                return out;
            }
            out.add(cString(p));
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
