package org.slidebatch.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the optional MKL CPU-dispatch library ({@code scripts/native/mkl_amd_fastpath.c}, preloaded by
 * {@code scripts/slidebatch} by default on AMD CPUs with AVX-512, or when {@code SLIDEBATCH_MKL_AMD_FASTPATH=1}) is
 * mapped into this process. Benchmarks, the machine passport and every training checkpoint record it, since it
 * changes which matrix kernels run and so the last bits of a training's weights.
 */
public final class MklFastPath {

    /** The library's file name. */
    public static final String LIBRARY = "libmkl_amd_fastpath.so";

    /** Training checkpoint metadata key: whether the checkpoint's updates ran with it ({@code true}/{@code false}). */
    public static final String CHECKPOINT_KEY = "mkl_amd_fastpath";

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
