package org.slidebatch.slide;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the part of libjpeg-turbo's TurboJPEG 2.x API we use (Debian's libturbojpeg0), loaded
 * once by soname. TurboJPEG reports every libjpeg error through its own setjmp handler, so a damaged stream
 * is a return code, never an {@code exit()} (libjpeg's default handler would kill the JVM under FFM).
 * A {@code tjhandle} is not thread-safe: every reading thread owns one.
 */
final class TurboJpeg {

    static final String SONAME = "libturbojpeg.so.0";

    /** TJPF_RGB: interleaved R, G, B bytes. */
    static final int PIXEL_FORMAT_RGB = 0;
    /** TJSAMP_444. */
    static final int SUBSAMPLING_444 = 0;
    /** TJERR_WARNING: the decode finished but libjpeg complained (e.g. corrupt data it skipped). */
    static final int ERROR_WARNING = 0;
    /**
     * Flags 0: accurate integer DCT and fancy (smooth) upsampling, the defaults libtiff uses through libjpeg,
     * so pixels equal OpenSlide's. TJFLAG_FASTUPSAMPLE / TJFLAG_FASTDCT would break that for ≤ 5 % speed.
     */
    static final int FLAGS = 0;

    private static volatile TurboJpeg instance;
    private static volatile Throwable loadFailure;

    final MethodHandle initDecompress;
    final MethodHandle decompressHeader3;
    final MethodHandle decompress2;
    final MethodHandle getErrorStr2;
    final MethodHandle getErrorCode;
    final MethodHandle destroy;

    private TurboJpeg() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(SONAME, Arena.global());
        initDecompress = handle(linker, lib, "tjInitDecompress", FunctionDescriptor.of(ADDRESS));
        decompressHeader3 = handle(linker, lib, "tjDecompressHeader3",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        decompress2 = handle(linker, lib, "tjDecompress2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        getErrorStr2 = handle(linker, lib, "tjGetErrorStr2", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getErrorCode = handle(linker, lib, "tjGetErrorCode", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = handle(linker, lib, "tjDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError(SONAME + " has no symbol " + name));
        return linker.downcallHandle(symbol, fd);
    }

    static TurboJpeg get() {
        TurboJpeg lib = instance;
        if (lib != null) {
            return lib;
        }
        synchronized (TurboJpeg.class) {
            if (instance == null) {
                if (loadFailure != null) {
                    throw unavailable(loadFailure);
                }
                try {
                    instance = new TurboJpeg();
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
        return new IllegalStateException("TurboJPEG is not available (" + t.getMessage()
            + "); install it with: apt-get install libturbojpeg0", t);
    }

    /** The handle's last error message. */
    String errorString(MemorySegment handle) {
        try {
            String s = OpenSlideLibrary.cString((MemorySegment) getErrorStr2.invokeExact(handle));
            return s == null ? "unknown TurboJPEG error" : s;
        } catch (Throwable t) {
            return "TurboJPEG error (message unavailable: " + t + ")";
        }
    }
}
