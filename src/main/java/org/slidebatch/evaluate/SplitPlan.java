package org.slidebatch.evaluate;

import java.util.ArrayList;
import java.util.List;

/** The outer splits of one protocol (one per seed) and the fold tasks that run on them. */
public record SplitPlan(String splitter, List<Long> seeds, List<List<Fold>> foldsPerSeed, List<FoldTask> tasks) {

    public static SplitPlan of(EvaluationData d, EvaluateParameters p) {
        List<List<Fold>> perSeed = new ArrayList<>();
        String splitter;
        switch (p.protocol()) {
            case "probe" -> {
                boolean grouped = d.groups()[0] != null;
                splitter = grouped ? "StratifiedGroupKFold" : "StratifiedKFold";
                for (long s : p.seeds()) {
                    perSeed.add(grouped ? Splitters.stratifiedGroupKFold(d.y(), d.groups(), p.folds(), s)
                        : Splitters.stratifiedKFold(d.y(), p.folds(), s));
                }
            }
            case "binary-cv" -> {
                boolean providers = d.providers()[0] != null;
                splitter = providers ? "ProviderStratifiedKFold" : "StratifiedKFold";
                for (long s : p.seeds()) {
                    perSeed.add(providers ? Splitters.providerStratifiedKFold(d.y(), d.providers(), p.folds(), s)
                        : Splitters.stratifiedKFold(d.y(), p.folds(), s));
                }
            }
            default -> {
                long known = d.centers()[0] == null ? 0 : java.util.Arrays.stream(d.centers())
                    .filter(c -> c != null && !c.isEmpty() && !c.equals("-1")).distinct().count();
                splitter = known >= 2 ? "LeaveOneCenterOut" : "StratifiedKFold";
                for (long s : p.seeds()) {
                    if (known >= 2) {
                        perSeed.add(Splitters.leaveOneCenterOut(d.centers()));
                    } else {
                        // NB09's fallback: 5-fold stratified CV with folds FOLD1..FOLD5.
                        List<Fold> folds = new ArrayList<>();
                        for (Fold f : Splitters.stratifiedKFold(d.y(), p.folds(), s)) {
                            folds.add(new Fold(f.index(), "FOLD" + (f.index() + 1), f.train(), f.test()));
                        }
                        perSeed.add(folds);
                    }
                }
            }
        }
        List<FoldTask> tasks = new ArrayList<>();
        for (int si = 0; si < p.seeds().size(); si++) {
            long seed = p.seeds().get(si);
            for (Fold f : perSeed.get(si)) {
                if (p.protocol().equals("loco")) {
                    for (String m : p.models()) {
                        for (double c : p.cs()) {
                            tasks.add(FoldTask.of(seed, f.name(), m, c, false));
                        }
                    }
                    if (!p.selectOnTest()) {
                        tasks.add(FoldTask.of(seed, f.name(), null, 0, true));
                    }
                } else {
                    tasks.add(FoldTask.of(seed, f.name(), "logreg_l2", p.c(), false));
                }
            }
        }
        return new SplitPlan(splitter, p.seeds(), perSeed, tasks);
    }

    public Fold fold(long seed, String name) {
        List<Fold> folds = foldsPerSeed.get(seeds.indexOf(seed));
        return folds.stream().filter(f -> f.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalStateException("no fold " + name + " for seed " + seed));
    }
}
