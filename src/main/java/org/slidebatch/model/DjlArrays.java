package org.slidebatch.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * NDArrays made from Java data that own their memory. DJL's PyTorch engine wraps a Java direct buffer with
 * {@code torch::from_blob}: the tensor does not own those bytes, the Java buffer does, and closing the NDArray lets the
 * garbage collector free them. Autograd keeps its own reference to a tensor it saved for backward (a mask, a
 * stochastic-depth factor, an input), so if that tensor is such a view and its NDArray is closed before
 * {@code backward}, backward reads freed memory: gradients wrong only when a GC ran in between, so two runs of the same
 * seed differ now and then (seen: BackboneTrainParityTest with a forced GC gave gradients of 1e32). Every array made
 * from Java data that a training graph may save goes through here, and so does every number such a graph multiplies,
 * divides, raises or bounds by ({@link #scalar}).
 */
public final class DjlArrays {

    private DjlArrays() {
    }

    /** A libtorch-owned copy of {@code data} (float32, {@code shape}). */
    public static NDArray owned(NDManager manager, float[] data, Shape shape) {
        try (NDArray view = manager.create(data, shape)) {
            return view.duplicate();
        }
    }

    /**
     * A libtorch-owned 0-dim float32 array holding {@code value}: the factor, exponent or bound of a product, power or
     * maximum that autograd saves. DJL's Number overloads ({@code x.mul(0.5f)}, {@code div}, {@code pow},
     * {@code maximum}) wrap the number the same way (from_blob on a Java buffer) and close it at once; autograd keeps
     * that view for backward, so after a garbage collection the gradient is scaled by whatever the freed bytes hold
     * (seen: 1e30 instead of 3). Sums and differences with a Number are safe (autograd saves nothing of them).
     */
    public static NDArray scalar(NDManager manager, float value) {
        return owned(manager, new float[] {value}, new Shape());
    }
}
