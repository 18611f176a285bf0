package org.slidebatch.evaluate;

import java.util.Locale;

/**
 * One unit of restartable work: fit {@code model} at {@code c} on the training side of fold {@code foldName} of
 * the split drawn with {@code splitSeed}, predict its test side. {@code nested}: choose the model and C on inner
 * folds of the training rows first. The key is stable across restarts (it is the database key of the result).
 */
public record FoldTask(String key, long splitSeed, String foldName, String model, double c, boolean nested) {

    public static FoldTask of(long seed, String fold, String model, double c, boolean nested) {
        String key = nested
            ? String.format(Locale.ROOT, "seed=%d|fold=%s|selected", seed, fold)
            : String.format(Locale.ROOT, "seed=%d|fold=%s|model=%s|C=%s", seed, fold, model, c);
        return new FoldTask(key, seed, fold, nested ? "selected" : model, nested ? Double.NaN : c, nested);
    }
}
