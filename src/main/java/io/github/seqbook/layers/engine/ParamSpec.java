package io.github.seqbook.layers.engine;

import java.util.Arrays;

import io.github.seqbook.Require;

/**
 * One named parameter array of a custom layer or cell: its key, its shape (Keras' shape, e.g. {@code [1, 60]}
 * for a GRU kernel) and how it is initialised. A layer's arrays are packed into DL4J's flat parameter vector in
 * the order the layer lists them, each in c order, so a Keras weight array can be copied in as it is.
 *
 * @param key   parameter key, e.g. {@code "W"}
 * @param shape shape of the array
 * @param kind  what the array is, which decides its initialisation and regularisation
 */
public record ParamSpec(String key, long[] shape, Kind kind) {
    /** What a parameter array is. */
    public enum Kind {
        /** Input kernel: the layer's {@code weightInit} (Glorot uniform, as Keras), fans taken from the shape. */
        KERNEL,
        /** Recurrent kernel: the layer's {@code weightInitRecurrent} (orthogonal, as Keras), else its weightInit. */
        RECURRENT_KERNEL,
        /** Bias or shift: filled with the layer's {@code biasInit} (0, as Keras). */
        BIAS,
        /** Scale of a normalization (Keras' {@code gamma}): filled with 1. */
        GAIN
    }

    /** Checks the arguments and keeps a private copy of the shape. */
    public ParamSpec {
        Require.notNull("key", key);
        Require.notNull("kind", kind);
        Require.notNull("shape", shape);
        if (shape.length < 1 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("shape of " + key + " must have positive sizes, got " + Arrays.toString(shape));
        }
        shape = shape.clone();
    }

    /** The shape (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of values in the array. */
    public long length() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** True for the arrays DL4J treats as weights (regularisation, weight noise such as DropConnect). */
    public boolean isWeight() {
        return kind == Kind.KERNEL || kind == Kind.RECURRENT_KERNEL;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.key.equals(key) && Arrays.equals(p.shape, shape) && p.kind == kind;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * key.hashCode() + Arrays.hashCode(shape)) + kind.hashCode();
    }

    @Override
    public String toString() {
        return key + Arrays.toString(shape) + " " + kind;
    }
}
