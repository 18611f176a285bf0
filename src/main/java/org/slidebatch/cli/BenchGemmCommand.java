package org.slidebatch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.MklFastPath;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gemm", mixinStandardHelpOptions = true,
    description = {"GFLOP/s of the engine's fp32 matrix multiply (--size square, --repeats timed products after one",
        "untimed) at each of --threads: the one number SLIDEBATCH_MKL_AMD_FASTPATH=1 changes (README). Medians."})
final class BenchGemmCommand implements Callable<Integer> {

    @Option(names = "--size", defaultValue = "2048", description = "Matrix side (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--repeats", defaultValue = "9", description = "Timed products per thread count (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--threads", defaultValue = "1,2", split = ",", description = "Intra-op thread counts (default 1,2).")
    List<Integer> threads;

    @Option(names = "--json", paramLabel = "OUT.json")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (size < 16 || repeats < 1 || threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
            throw new CliException("--size ≥ 16, --repeats and --threads must be positive", 2);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("what", "gemm");
        out.put("load_average_start", org.slidebatch.batch.HostFacts.loadAverage());
        Map<String, Double> gflops = new LinkedHashMap<>();
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray a = m.randomNormal(0f, 1f, new Shape(size, size), DataType.FLOAT32);
            NDArray b = m.randomNormal(0f, 1f, new Shape(size, size), DataType.FLOAT32);
            for (int t : threads) {
                DjlRuntime.setIntraOpThreads(t);
                a.matMul(b).close();
                List<Double> runs = new ArrayList<>();
                for (int i = 0; i < repeats; i++) {
                    long s = System.nanoTime();
                    a.matMul(b).close();
                    runs.add(2.0 * size * size * size / ((System.nanoTime() - s) / 1e9) / 1e9);
                }
                gflops.put("" + t, BenchPretrainCommand.median(runs));
            }
        }
        out.put("gflops_by_threads", gflops);
        out.put("mkl_amd_fastpath", MklFastPath.loaded());
        out.put("engine", DjlRuntime.describe());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("size", size);
        inputs.put("repeats", repeats);
        out.put("inputs", inputs);
        out.put("load_average_end", org.slidebatch.batch.HostFacts.loadAverage());
        BenchReadsCommand.passport(out);
        BenchReadsCommand.emit(out, json, String.format(Locale.ROOT, "gemm %d²: %s GFLOP/s by threads (MKL AMD fast path %s; load %s)",
            size, gflops.entrySet().stream().map(e -> e.getKey() + ": " + String.format(Locale.ROOT, "%.0f", e.getValue())).toList(),
            MklFastPath.loaded() ? "on" : "off", out.get("load_average_end")));
        return 0;
    }
}
