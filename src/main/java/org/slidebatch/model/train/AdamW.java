package org.slidebatch.model.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsException;

/**
 * AdamW with PyTorch's semantics ({@code torch.optim.AdamW}, amsgrad off): per update t (1-based)
 * {@code p ← p·(1 − lr·wd)}; {@code m ← β1·m + (1−β1)·g}; {@code v ← β2·v + (1−β2)·g²};
 * {@code p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)}. Ours, not DJL's, because DJL's keeps its moments private and
 * a checkpoint must hold them (STACK-NOTES §12). Gradients are zeroed through the engine after each update
 * ({@code gc.zeroGradients()} leaks handles, STACK-NOTES §14).
 *
 * <p>The update runs as the engine's fused Adam kernel on the moment arrays held here (one native call per
 * parameter instead of a dozen NDArray ops, about half the optimizer's time): with {@code adamw} on it computes
 * {@code p ← p − p·lr·wd}, {@code m ← β1·m + (1−β1)·g}, {@code v ← β2·v + (1−β2)·g·g} (PyTorch 1.13's own
 * {@code mul_/add_/addcmul_}) and {@code p ← p − lr'·m / (√v + eps')}; with {@code lr' = lr·√(1−β2ᵗ)/(1−β1ᵗ)}
 * and {@code eps' = eps·√(1−β2ᵗ)} that is PyTorch's formula up to the rounding of the last operations
 * ({@code TrainInfraTest} compares it with the op-by-op form, {@link #plain}, which stays for that test).
 */
public final class AdamW implements AutoCloseable {

    /** PyTorch's defaults. */
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPS = 1e-8f;

    private final List<String> names;
    private final List<NDArray> params;
    private final NDManager manager;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final float weightDecay;
    private final boolean fused;
    private long step;

    /** @param params the trained arrays by unique name (gradients required) */
    public AdamW(NDManager parent, Map<String, NDArray> params, float weightDecay) {
        this(parent, params, weightDecay, true);
    }

    /** The op-by-op form of the same update (slower; kept as the fused kernel's reference in tests). */
    public static AdamW plain(NDManager parent, Map<String, NDArray> params, float weightDecay) {
        return new AdamW(parent, params, weightDecay, false);
    }

    private AdamW(NDManager parent, Map<String, NDArray> params, float weightDecay, boolean fused) {
        this.fused = fused;
        this.names = new ArrayList<>(params.keySet());
        this.params = new ArrayList<>(params.values());
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
        for (NDArray p : this.params) {
            m.add(manager.zeros(p.getShape()));
            v.add(manager.zeros(p.getShape()));
        }
    }

    /** Updates done so far (PyTorch's {@code state['step']}). */
    public long step() {
        return step;
    }

    /** One update with learning rate {@code lr}, then the gradients are zeroed. */
    public void update(float lr) {
        org.slidebatch.model.DjlRuntime.gradOff();
        step++;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(BETA2, step));
        float stepSize = (float) (lr / bc1);
        float fusedStep = (float) (lr * bc2Sqrt / bc1);
        float fusedEps = (float) (EPS * bc2Sqrt);
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            try (NDManager tm = manager.newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(tm);
                if (fused) {
                    // clip −1 = none, rescale 1 = none; adamw = decoupled weight decay
                    JniUtils.adamUpdate((PtNDArray) p, (PtNDArray) g, (PtNDArray) m.get(i), (PtNDArray) v.get(i), lr, fusedStep,
                        weightDecay, 1f, -1f, BETA1, BETA2, fusedEps, true);
                    JniUtils.zeroGrad((PtNDArray) p);
                    continue;
                }
                p.muli(1 - lr * weightDecay);
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                mi.muli(BETA1).addi(g.mul(1 - BETA1));
                vi.muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
                NDArray denom = vi.sqrt();
                denom.attach(tm);
                denom.divi(bc2Sqrt).addi(EPS);
                NDArray upd = mi.div(denom);
                upd.attach(tm);
                p.subi(upd.muli(stepSize));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    /** Moments keyed {@code prefix + "m." + name} / {@code "v." + name}. */
    public Map<String, SafeTensors.Tensor> stateTensors(String prefix) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(prefix + "m." + names.get(i), new SafeTensors.Tensor(m.get(i).getShape().getShape(), m.get(i).toFloatArray()));
        }
        for (int i = 0; i < names.size(); i++) {
            out.put(prefix + "v." + names.get(i), new SafeTensors.Tensor(v.get(i).getShape().getShape(), v.get(i).toFloatArray()));
        }
        return out;
    }

    /** Restores moments and the update count written by {@link #stateTensors}. */
    public void loadState(Map<String, SafeTensors.Tensor> tensors, String prefix, long updates, String source) {
        for (int i = 0; i < names.size(); i++) {
            for (String kind : new String[] {"m.", "v."}) {
                NDArray target = kind.equals("m.") ? m.get(i) : v.get(i);
                SafeTensors.Tensor t = tensors.get(prefix + kind + names.get(i));
                if (t == null || t.data().length != target.size()) {
                    throw new WeightsException(source + ": optimizer state " + prefix + kind + names.get(i) + " is missing or has the wrong size");
                }
                target.set(java.nio.FloatBuffer.wrap(t.data()));
            }
        }
        this.step = updates;
    }

    @Override
    public void close() {
        manager.close();
    }
}
