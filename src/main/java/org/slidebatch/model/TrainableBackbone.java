package org.slidebatch.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

/**
 * ConvNeXt-Tiny as a model that trains (OpenSlideFM NB06 phase 2's {@code ConvNeXtTinyFeats(trainable=True)}): the
 * same {@link ConvNextTiny} network as the feature step, its parameters in a manager of their own and, when
 * {@code trainable}, requiring gradients; {@link #forward} with stochastic depth in train mode as torchvision. A frozen
 * one (the EMA backbone teacher) is the same class with {@code trainable} false.
 *
 * <p>Gradients accumulate across backward passes (libtorch's semantics); {@link #zeroGradients} clears them with the
 * engine's own call — DJL's {@code GradientCollector.zeroGradients()} leaks handles (STACK-NOTES §14).
 */
public final class TrainableBackbone implements AutoCloseable {

    private final NDManager manager;
    private final ConvNextTiny net;
    private final ParameterStore store;
    private final boolean trainable;

    private TrainableBackbone(NDManager manager, ConvNextTiny net, boolean trainable) {
        this.manager = manager;
        this.net = net;
        this.store = new ParameterStore(manager, false);
        this.trainable = trainable;
    }

    /** A backbone with these weights (timm names, {@link ConvNextTiny#expectedShapes} of the torchvision head). */
    public static TrainableBackbone create(NDManager parent, Map<String, SafeTensors.Tensor> weights, boolean trainable) {
        NDManager m = parent.newSubManager();
        try {
            ConvNextTiny net = new ConvNextTiny(FeatureHead.TORCHVISION_GAP);
            net.useWeights(weights);
            net.initialize(m);
            if (trainable) {
                for (Parameter p : net.parameters().values()) {
                    p.getArray().setRequiresGradient(true);
                }
            }
            return new TrainableBackbone(m, net, trainable);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public boolean trainable() {
        return trainable;
    }

    /** Parameters by timm name, in state-dict order. */
    public Map<String, Parameter> parameters() {
        return net.parameters();
    }

    /**
     * N×768 features (torchvision GAP) of N×3×H×W images. {@code training} with a {@code dropPath} generator:
     * stochastic depth 0.1 as torchvision's train mode; {@code training} with null: train mode without it (dropout-free
     * parity runs); not {@code training}: eval mode. The result is attached to {@code images}' manager.
     */
    public NDArray forward(NDArray images, boolean training, RandomGenerator dropPath) {
        if (training) {
            return net.forwardTraining(store, images, dropPath);
        }
        return net.forward(store, new NDList(images), false).singletonOrThrow();
    }

    /** Sets every parameter's gradient to zero (no-op where none exists yet). */
    public void zeroGradients() {
        for (Parameter p : net.parameters().values()) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
    }

    /** The current weights as float32 tensors by timm name. */
    public Map<String, SafeTensors.Tensor> weights() {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            out.put(e.getKey(), new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }

    /** Overwrites every weight in place from tensors keyed {@code prefix + timm name} (a resumed run keeps its arrays). */
    public void assign(Map<String, SafeTensors.Tensor> tensors, String prefix, String source) {
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            SafeTensors.Tensor t = tensors.get(prefix + e.getKey());
            if (t == null || t.data().length != a.size()) {
                throw new WeightsException(source + ": " + (t == null ? "missing " : "wrong size of ") + prefix + e.getKey());
            }
            a.set(java.nio.FloatBuffer.wrap(t.data()));
        }
    }

    /** The accumulated gradients as float32 tensors by timm name (zeros where a parameter got none). */
    public Map<String, SafeTensors.Tensor> gradients() {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            try (NDArray g = a.getGradient()) {
                out.put(e.getKey(), new SafeTensors.Tensor(a.getShape().getShape(), g.toFloatArray()));
            }
        }
        return out;
    }

    /**
     * Writes the weights as safetensors with torchvision's {@code convnext_tiny().features} names ({@code features.*},
     * layer scale dim×1×1) — what OpenSlideFM's {@code nb06_backbone_*.safetensors} holds and {@link WeightsLoader}
     * reads back — atomically.
     */
    public void writeTorchvision(Path file, Map<String, String> metadata) throws IOException {
        SafeTensors.write(file, torchvisionNamed(weights()), "F32", metadata);
    }

    /** timm-named backbone tensors under torchvision's names and shapes. */
    public static Map<String, SafeTensors.Tensor> torchvisionNamed(Map<String, SafeTensors.Tensor> timm) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensors.Tensor> e : timm.entrySet()) {
            SafeTensors.Tensor t = e.getValue();
            String k = e.getKey();
            out.put(WeightsLoader.torchvisionName(k),
                k.endsWith(".gamma") ? new SafeTensors.Tensor(new long[] {t.shape()[0], 1, 1}, t.data()) : t);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
