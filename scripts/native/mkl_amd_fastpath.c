/*
 * SLIDEBATCH_MKL_AMD_FASTPATH=auto|1 (README, "Training speed"): preloaded into the JVM by scripts/slidebatch,
 * this answers MKL's "is this an Intel CPU?" question with yes, so the MKL inside DJL's libtorch picks its AVX-512
 * GEMM kernels on AMD CPUs too instead of its slow generic path (`slidebatch bench gemm` on a 2-vCPU AMD EPYC with
 * AVX-512, heavily shared, load ≈ 19: 17–18 → 29–37 GFLOP/s on 1 thread, 21 → 45–49 on 2; on a quiet machine of
 * that kind 85 → 107 and 155 → 211 were measured). Unsupported by Intel: preloaded by default only on AMD CPUs
 * with AVX-512, and every benchmark, passport and training checkpoint records whether it was on. It changes which kernels run, so results differ from a run without it
 * in their last bits; with it, the same seed still gives the same bits.
 *
 * Built by scripts/build-native (gcc -shared -fPIC -O2) into target/native/libmkl_amd_fastpath.so.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
