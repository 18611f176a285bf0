package org.slidebatch.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slidebatch.synth.SyntheticCohort;

/**
 * The chain harness without Maven (for a long run beside other work): {@code java -cp TEST_CLASSPATH
 * org.slidebatch.support.FaultInjectionMain DIR KILLS SEED SLIDES OUT.json}, or {@code DIR compare} to compare a
 * finished run's two workspaces again. Same run as
 * {@code ChainFaultInjectionTests#killsAcrossTheWholeOpenslidefmChain…}; FAULT_DEADLINE_S stops drawing kills after
 * that many seconds of the faulted run (the run then completes and is compared as usual).
 */
public final class FaultInjectionMain {

    private FaultInjectionMain() {
    }

    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        if (a.length == 2 && a[1].equals("compare")) {   // DIR compare: the comparison again on a finished run's folders
            List<String> d = new FaultInjection(dir, "openslidefm", List.of(), "1g", Duration.ZERO).differences();
            System.out.println(d.isEmpty() ? "no differences" : String.join("\n", d));
            return;
        }
        int kills = Integer.parseInt(a[1]);
        long seed = Long.parseLong(a[2]);
        int slides = Integer.parseInt(a[3]);
        Path out = Path.of(a[4]);
        Path cohort = dir.resolve("cohort");
        SyntheticCohort.write(cohort, new SyntheticCohort.Options(slides, 71, 512, 768, 2, null, true), null);
        FaultInjection.Report r = new FaultInjection(dir, "openslidefm", chainArgs(cohort), "1g", Duration.ofMinutes(Long.parseLong(System.getenv().getOrDefault("FAULT_PROCESS_MIN", "30"))))
            .run(kills, seed, true);
        Files.writeString(out, r.json());
        System.out.println(r.json());
    }

    /** The openslidefm chain's arguments on a labelled generated cohort (CPU-sized, the demo's pretraining). */
    public static List<String> chainArgs(Path cohort) {
        List<String> args = new ArrayList<>(List.of("--config", Path.of("jobs-config/pretrain-demo.properties").toAbsolutePath().toString()));
        for (String kv : List.of("roots=" + cohort, "qc_policy=none", "assume_mpp=0.5", "random_weights=true",
            "selftest=off", "batch=8", "dpi=72", "labels=" + cohort.resolve("labels.csv"), "protocol=binary-cv",
            "folds=2", "boots=50", "workers=2")) {
            args.add("--param");
            args.add(kv);
        }
        return args;
    }
}
