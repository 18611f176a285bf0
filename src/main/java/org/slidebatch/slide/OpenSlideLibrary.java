package org.slidebatch.slide;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
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

    private static volatile OpenSlideLibrary instance;
    private static volatile Throwable loadFailure;

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
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(SONAME, Arena.global());
        open = handle(linker, lib, "openslide_open", FunctionDescriptor.of(ADDRESS, ADDRESS));
        close = handle(linker, lib, "openslide_close", FunctionDescriptor.ofVoid(ADDRESS));
        detectVendor = handle(linker, lib, "openslide_detect_vendor", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getError = handle(linker, lib, "openslide_get_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getLevelCount = handle(linker, lib, "openslide_get_level_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getLevelDimensions = handle(linker, lib, "openslide_get_level_dimensions",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        getLevelDownsample = handle(linker, lib, "openslide_get_level_downsample",
            FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT));
        getBestLevelForDownsample = handle(linker, lib, "openslide_get_best_level_for_downsample",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE));
        readRegion = handle(linker, lib, "openslide_read_region",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        getPropertyNames = handle(linker, lib, "openslide_get_property_names", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getPropertyValue = handle(linker, lib, "openslide_get_property_value",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        getAssociatedImageNames = handle(linker, lib, "openslide_get_associated_image_names",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
        getAssociatedImageDimensions = handle(linker, lib, "openslide_get_associated_image_dimensions",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        readAssociatedImage = handle(linker, lib, "openslide_read_associated_image",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        getVersion = handle(linker, lib, "openslide_get_version", FunctionDescriptor.of(ADDRESS));
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError(SONAME + " has no symbol " + name));
        return linker.downcallHandle(symbol, fd);
    }

    /** The loaded library, or an exception that says how to install it. */
    static OpenSlideLibrary get() {
        OpenSlideLibrary lib = instance;
        if (lib != null) {
            return lib;
        }
        synchronized (OpenSlideLibrary.class) {
            if (instance == null) {
                if (loadFailure != null) {
                    throw unavailable(loadFailure);
                }
                try {
                    instance = new OpenSlideLibrary();
                } catch (Throwable t) {
                    loadFailure = t;
                    throw unavailable(t);
                }
            }
            return instance;
        }
    }

    static boolean isAvailable() {
        try {
            get();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static IllegalStateException unavailable(Throwable t) {
        return new IllegalStateException("OpenSlide is not available (" + t.getMessage()
            + "); install it with: apt-get install libopenslide0", t);
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
