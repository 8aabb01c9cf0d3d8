package io.github.seqbook.layers;

import java.util.List;
import java.util.Map;

import io.github.seqbook.layers.engine.LayerNormOps;
import io.github.seqbook.layers.engine.OpTape;
import io.github.seqbook.layers.engine.ParamSpec;
import io.github.seqbook.Require;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The book's {@code LNSimpleRNNCell}: a {@code SimpleRNNCell} without activation, then {@code LayerNormalization},
 * then tanh; the normalized, activated output is also the new state:
 * <pre>
 *   s  = x·W + h·RW + b
 *   h' = tanh(gamma ⊙ (s - mean(s)) / sqrt(var(s) + eps) + beta)
 * </pre>
 * Same parameters and initialisation as {@link LayerNormSimpleRnn} (480 for 20 units on one input). Use it with
 * {@link RecurrentLoop}.
 */
public final class LayerNormSimpleRnnCell implements RecurrentCell {
    private static final long serialVersionUID = 1L;

    private int units;
    private double epsilon = LayerNormSimpleRnn.KERAS_EPSILON;

    private LayerNormSimpleRnnCell() {
    }

    /** A cell of {@code units} units with Keras' epsilon 1e-3. */
    public LayerNormSimpleRnnCell(int units) {
        this(units, LayerNormSimpleRnn.KERAS_EPSILON);
    }

    /** A cell of {@code units} units whose normalization adds {@code epsilon} to the variance. */
    public LayerNormSimpleRnnCell(int units, double epsilon) {
        this.units = Require.positive("units", units);
        this.epsilon = Require.positive("epsilon", epsilon);
    }

    @Override
    public int units() {
        return units;
    }

    /** The number of units (for JSON). */
    public int getUnits() {
        return units;
    }

    /** Sets the number of units (for JSON deserialization). */
    public void setUnits(int units) {
        this.units = units;
    }

    /** The epsilon added to the variance. */
    public double getEpsilon() {
        return epsilon;
    }

    /** Sets the epsilon (for JSON deserialization). */
    public void setEpsilon(double epsilon) {
        this.epsilon = epsilon;
    }

    @Override
    public List<ParamSpec> paramSpecs(long inputs) {
        return LayerNormSimpleRnn.specs(inputs, units);
    }

    /** Keeps x̂ (the normalized s, {@code units} wide) and 1 / sqrt(var + eps) (one value per example). */
    @Override
    public int[] memoryWidths() {
        return new int[] {units, 1};
    }

    @Override
    public void forward(OpTape ops, INDArray x, INDArray hPrev, INDArray h, INDArray[] memory,
                        Map<String, INDArray> params) {
        INDArray s = memory[0];
        // SimpleRNNCell(units, activation=None): s = x·W + h·RW + b
        ops.gemm(x, params.get(LayerNormSimpleRnn.KERNEL), s, false, false, false);
        ops.gemm(hPrev, params.get(LayerNormSimpleRnn.RECURRENT_KERNEL), s, false, false, true);
        ops.add(s, params.get(LayerNormSimpleRnn.BIAS), s);
        // LayerNormalization (s becomes x̂), then the activation: the output is also the new state.
        LayerNormOps.forward(ops, s, memory[1], params.get(LayerNormSimpleRnn.GAMMA),
                params.get(LayerNormSimpleRnn.BETA), epsilon, h);
        ops.tanh(h, h);
    }

    @Override
    public void backward(OpTape ops, INDArray dh, INDArray x, INDArray hPrev, INDArray h, INDArray[] memory,
                         Map<String, INDArray> params, Map<String, INDArray> grads, INDArray dx, INDArray dhPrev) {
        INDArray xhat = memory[0];
        long n = h.size(0);
        INDArray dOut = ops.scratch("lnCell.dOut", n, units);
        INDArray dS = ops.scratch("lnCell.dS", n, units);
        // Through tanh: dL/d(gamma ⊙ x̂ + beta) = dh ⊙ (1 - h²).
        ops.oneMinusSquare(h, dOut);
        ops.mul(dOut, dh, dOut);
        // The normalization's shift and scale.
        ops.sumRows(dOut, row(grads.get(LayerNormSimpleRnn.BETA)), true);
        ops.mul(dOut, xhat, dS);
        ops.sumRows(dS, row(grads.get(LayerNormSimpleRnn.GAMMA)), true);
        // Through the normalization: dS = dL/ds.
        ops.mul(dOut, params.get(LayerNormSimpleRnn.GAMMA), dS);
        LayerNormOps.backward(ops, dS, xhat, memory[1]);
        // Through SimpleRNNCell's products and bias.
        ops.gemm(x, dS, grads.get(LayerNormSimpleRnn.KERNEL), true, false, true);
        ops.gemm(hPrev, dS, grads.get(LayerNormSimpleRnn.RECURRENT_KERNEL), true, false, true);
        ops.sumRows(dS, row(grads.get(LayerNormSimpleRnn.BIAS)), true);
        ops.gemm(dS, params.get(LayerNormSimpleRnn.KERNEL), dx, false, true, false);
        ops.gemm(dS, params.get(LayerNormSimpleRnn.RECURRENT_KERNEL), dhPrev, false, true, true);
    }

    /** A {@code [units]} vector as a {@code [1, units]} view. */
    private static INDArray row(INDArray vector) {
        return vector.reshape(1, vector.length());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerNormSimpleRnnCell c && c.units == units && c.epsilon == epsilon;
    }

    @Override
    public int hashCode() {
        return 31 * units + Double.hashCode(epsilon);
    }

    @Override
    public String toString() {
        return "LayerNormSimpleRnnCell(units=" + units + ", epsilon=" + epsilon + ")";
    }
}
