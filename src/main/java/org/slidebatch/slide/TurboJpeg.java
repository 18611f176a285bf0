package org.slidebatch.slide;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
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

    private static final NativeLibrary<TurboJpeg> LIBRARY =
        new NativeLibrary<>("TurboJPEG", "libturbojpeg0", TurboJpeg::new);

    final MethodHandle initDecompress;
    final MethodHandle decompressHeader3;
    final MethodHandle decompress2;
    final MethodHandle getErrorStr2;
    final MethodHandle getErrorCode;
    final MethodHandle destroy;

    private TurboJpeg() {
        NativeLibrary.Symbols lib = NativeLibrary.Symbols.load(SONAME);
        initDecompress = lib.downcall("tjInitDecompress", FunctionDescriptor.of(ADDRESS));
        decompressHeader3 = lib.downcall("tjDecompressHeader3",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        decompress2 = lib.downcall("tjDecompress2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        getErrorStr2 = lib.downcall("tjGetErrorStr2", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getErrorCode = lib.downcall("tjGetErrorCode", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = lib.downcall("tjDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    static TurboJpeg get() {
        return LIBRARY.get();
    }

    static boolean isAvailable() {
        return LIBRARY.isAvailable();
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
