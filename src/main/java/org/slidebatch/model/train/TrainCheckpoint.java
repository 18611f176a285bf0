package org.slidebatch.model.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slidebatch.model.MklFastPath;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsException;
import org.slidebatch.model.mil.NamedParams;

/**
 * One training checkpoint as one safetensors file written atomically: every tensor a resumed run needs (weights of
 * each module and the optimizer moments, F32, so resuming is exact) under prefixed names, and the counters and
 * settings as string metadata ({@code step}, {@code epoch}, {@code batch_in_epoch}, {@code seed}, …). A half-written
 * file never replaces a good one.
 */
public record TrainCheckpoint(Map<String, SafeTensors.Tensor> tensors, Map<String, String> metadata) {

    /**
     * Everything of a training run: each module's weights under {@code "<module>."}, the optimizer's moments under
     * {@code "optimizer."} and its update count as metadata {@code optimizer_step}, plus the caller's counters.
     */
    public static TrainCheckpoint of(Map<String, NamedParams> modules, AdamW optimizer, Map<String, String> counters) {
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        modules.forEach((name, p) -> t.putAll(p.toTensors(name + ".")));
        t.putAll(optimizer.stateTensors("optimizer."));
        Map<String, String> meta = new LinkedHashMap<>(counters);
        meta.put("optimizer_step", Long.toString(optimizer.step()));
        meta.put(MklFastPath.CHECKPOINT_KEY, Boolean.toString(MklFastPath.loaded()));
        return new TrainCheckpoint(t, meta);
    }

    /**
     * Why updates after a resume from this checkpoint can differ in their last bits from an uninterrupted run's, if
     * they can: the checkpoint was written with the MKL fast path on and this process has it off, or the other way
     * round ({@link MklFastPath}: it picks other matrix kernels). Empty when the settings agree or the checkpoint
     * does not record it.
     */
    public java.util.Optional<String> kernelMismatch(String source) {
        String recorded = metadata.get(MklFastPath.CHECKPOINT_KEY);
        boolean now = MklFastPath.loaded();
        if (recorded == null || Boolean.parseBoolean(recorded) == now) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("checkpoint " + source + " was written with the MKL fast path "
            + (now ? "off" : "on") + " and this process has it " + (now ? "on" : "off")
            + ": the training goes on, but its weights will differ in the last bits from an uninterrupted run's; "
            + "restart with SLIDEBATCH_MKL_AMD_FASTPATH=" + (now ? "0" : "1") + " to keep them bit-identical");
    }

    /** Puts weights and optimizer state back in place (the arrays keep their identity, so a trainer holding them resumes). */
    public void restore(Map<String, NamedParams> modules, AdamW optimizer, String source) {
        // said, not refused: a run moved to a machine where the fast path cannot be on must still be able to finish
        kernelMismatch(source).ifPresent(why -> System.err.println("[training] warning: " + why));
        modules.forEach((name, p) -> p.assign(tensors, name + ".", source));
        optimizer.loadState(tensors, "optimizer.", requireLong("optimizer_step"), source);
    }

    public void write(Path file) {
        try {
            SafeTensors.write(file, tensors, "F32", metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    public static TrainCheckpoint read(Path file) {
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
            for (String name : st.entries().keySet()) {
                t.put(name, st.read(name));
            }
            return new TrainCheckpoint(t, Map.copyOf(st.metadata()));
        }
    }

    public String require(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new WeightsException("checkpoint has no '" + key + "' entry in its metadata");
        }
        return v;
    }

    public long requireLong(String key) {
        try {
            return Long.parseLong(require(key));
        } catch (NumberFormatException e) {
            throw new WeightsException("checkpoint metadata '" + key + "' is not an integer: " + metadata.get(key));
        }
    }

    /** The tensors under {@code prefix}, with the prefix removed. */
    public Map<String, SafeTensors.Tensor> module(String prefix) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
