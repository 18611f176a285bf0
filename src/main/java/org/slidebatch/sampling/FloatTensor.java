package org.slidebatch.sampling;

/** A float32 image in channel-first (CHW) layout, as PyTorch and DJL take it: {@code data[(c·H + y)·W + x]}. */
public record FloatTensor(int channels, int height, int width, float[] data) {

    public FloatTensor {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("tensor has " + data.length + " values, expected " + channels + "x"
                + height + "x" + width);
        }
    }

    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }
}
