package org.slidebatch.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the optional MKL CPU-dispatch library ({@code scripts/native/mkl_amd_fastpath.c}, preloaded by
 * {@code scripts/slidebatch} when {@code SLIDEBATCH_MKL_AMD_FASTPATH=1}) is mapped into this process. Benchmarks and
 * the machine passport report it, since it changes which matrix kernels run.
 */
public final class MklFastPath {

    /** The library's file name. */
    public static final String LIBRARY = "libmkl_amd_fastpath.so";

    private MklFastPath() {
    }

    public static boolean loaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains(LIBRARY);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
