package org.slidebatch.batch;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.slidebatch.slide.OpenSlideReader;

/** Facts about this machine and build for the compute passport. Read once per JVM. */
public record HostFacts(String host, String os, String cpuModel, int cpuCores, long ramBytes, String gpu, String jvm,
                        Map<String, String> libraryVersions, String projectVersion, String gitCommit) {

    private static volatile HostFacts current;

    public static HostFacts current() {
        HostFacts h = current;
        if (h == null) {
            h = collect();
            current = h;
        }
        return h;
    }

    static HostFacts collect() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        String cpu = procField("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch"));
        long ram = procField("/proc/meminfo", "MemTotal").map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) * 1024)
            .orElse(Runtime.getRuntime().maxMemory());
        String gpu = detectGpu();
        String jvm = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.name") + " "
            + Runtime.version();
        Map<String, String> libs = new LinkedHashMap<>();
        libs.put("openslide", OpenSlideReader.isAvailable() ? OpenSlideReader.libraryVersion() : "not available");
        libs.put("turbojpeg", org.slidebatch.slide.JpegTileReader.decoderLibrary());
        libs.put("spring-batch", packageVersion(org.springframework.batch.core.job.Job.class));
        libs.put("spring-boot", packageVersion(org.springframework.boot.SpringApplication.class));
        Properties build = new Properties();
        try (InputStream in = HostFacts.class.getResourceAsStream("/slidebatch-build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException ignored) {
            // fall back to unknown below
        }
        return new HostFacts(host, os, cpu, Runtime.getRuntime().availableProcessors(), ram, gpu, jvm, Map.copyOf(libs),
            clean(build.getProperty("version")), clean(build.getProperty("git.commit")));
    }

    /** Records a library's version once a stage has loaded it (OpenCV, DJL, PyTorch). */
    public static synchronized void recordLibrary(String name, String version) {
        HostFacts h = current();
        Map<String, String> libs = new LinkedHashMap<>(h.libraryVersions());
        libs.put(name, version);
        current = new HostFacts(h.host, h.os, h.cpuModel, h.cpuCores, h.ramBytes, h.gpu, h.jvm, Map.copyOf(libs),
            h.projectVersion, h.gitCommit);
    }

    private static String clean(String v) {
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }

    private static String packageVersion(Class<?> c) {
        String v = c.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static String detectGpu() {
        Path nvidia = Path.of("/proc/driver/nvidia/gpus");
        if (Files.isDirectory(nvidia)) {
            try (var s = Files.list(nvidia)) {
                List<String> models = s.map(p -> procField(p.resolve("information").toString(), "Model").orElse("NVIDIA GPU")).toList();
                if (!models.isEmpty()) {
                    return String.join("; ", models);
                }
            } catch (IOException ignored) {
                // fall through
            }
        }
        return "none";
    }

    private static java.util.Optional<String> procField(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return java.util.Optional.of(line.substring(colon + 1).trim());
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or not readable
        }
        return java.util.Optional.empty();
    }

    /** Peak resident set size of this process (VmHWM), or -1 where /proc is absent. */
    public static long peakRssBytes() {
        return procField("/proc/self/status", "VmHWM").map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) * 1024).orElse(-1L);
    }

    /** The 1-, 5- and 15-minute load averages ("0.55 1.19 0.83"), or "unknown" where /proc is absent: benchmarks record them. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Minor page faults of this process so far (field 10 of /proc/self/stat), or -1 where /proc is absent. On
     * this project's VMs a first touch of fresh memory costs 20–60 µs a page, so benchmarks report the faults of
     * their timed region: memory first touched there is a cost the steady state does not have.
     */
    public static long processMinorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[10 - 3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
