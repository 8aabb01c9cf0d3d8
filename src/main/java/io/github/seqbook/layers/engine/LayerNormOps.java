package io.github.seqbook.layers.engine;

import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnnCell;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code LayerNormalization} (last axis, {@code center} and {@code scale}) recorded on an {@link OpTape}:
 * the one implementation shared by {@link LayerNormSimpleRnn} and {@link LayerNormSimpleRnnCell}. Unlike
 * libnd4j's {@code layer_norm} op it has Keras' epsilon inside the square root, which matters at the start of a
 * sequence, where the 20 pre-activations of a step can have a variance near 1e-3.
 */
public final class LayerNormOps {
    private LayerNormOps() {
    }

    /**
     * Records {@code out = gamma ⊙ x̂ + beta} with {@code x̂ = (s - mean(s)) / sqrt(var(s) + eps)} over each row
     * of {@code s} (biased variance, as Keras' {@code moments}). {@code s} is normalized in place (it then holds
     * x̂) and {@code inv} ({@code [n, 1]}) receives {@code 1 / sqrt(var + eps)}: both are what
     * {@link #backward} needs.
     */
    public static void forward(OpTape ops, INDArray s, INDArray inv, INDArray gamma, INDArray beta, double eps, INDArray out) {
        long n = s.size(0);
        INDArray mean = ops.scratch("layerNorm.mean", n, 1);
        INDArray squares = ops.scratch("layerNorm.squares", n, s.size(1));
        ops.meanColumns(s, mean);
        ops.sub(s, mean, s);
        ops.mul(s, s, squares);
        ops.meanColumns(squares, inv);
        ops.addScalar(inv, eps, inv);
        ops.rsqrt(inv, inv);
        ops.mul(s, inv, s);
        ops.mul(s, gamma, out);
        ops.add(out, beta, out);
    }

    /**
     * Records the normalization's backward pass: {@code g} holds dL/dx̂ and becomes dL/ds,
     * {@code inv ⊙ (g - mean(g) - x̂ ⊙ mean(g ⊙ x̂))} (row means; exact with the epsilon, since it only
     * enters through {@code inv}).
     */
    public static void backward(OpTape ops, INDArray g, INDArray xhat, INDArray inv) {
        long n = g.size(0);
        INDArray meanG = ops.scratch("layerNorm.meanG", n, 1);
        INDArray meanGx = ops.scratch("layerNorm.meanGx", n, 1);
        INDArray tmp = ops.scratch("layerNorm.tmp", n, g.size(1));
        ops.meanColumns(g, meanG);
        ops.mul(g, xhat, tmp);
        ops.meanColumns(tmp, meanGx);
        ops.mul(xhat, meanGx, tmp);
        ops.sub(g, tmp, g);
        ops.sub(g, meanG, g);
        ops.mul(g, inv, g);
    }
}
