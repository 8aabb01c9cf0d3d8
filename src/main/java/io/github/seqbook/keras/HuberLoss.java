package io.github.seqbook.keras;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import io.github.seqbook.Require;
import io.github.seqbook.layers.engine.ThreadWorkArrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keras' {@code Huber(delta)} loss as a DL4J loss function, which DL4J 1.0.0-M2.1 lacks: per value
 * {@code 0.5 e^2} where {@code |e| <= delta}, else {@code delta (|e| - 0.5 delta)}, averaged over an example's
 * outputs (Keras' mean over the last axis). The gradient with respect to the output is
 * {@code clip(e, -delta, delta) / outputs}.
 */
public final class HuberLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    private final double delta;

    /** @param delta where the loss turns from quadratic to linear, > 0 (Keras' default 1.0) */
    public HuberLoss(@JsonProperty("delta") double delta) {
        this.delta = Require.positive("delta", delta);
    }

    /** The threshold between the quadratic and the linear part. */
    public double getDelta() {
        return delta;
    }

    /** Per-value losses {@code [examples, outputs]}, masked. */
    private INDArray perValue(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray output = activationFn.getActivation(preOutput.dup(), true);
        if (mask == null && fusable(output, labels)) {
            return fusedPerValue(output, labels);
        }
        INDArray abs = Transforms.abs(output.subi(labels.castTo(output.dataType())), false);
        INDArray quadratic = Transforms.min(abs, delta, true);
        INDArray linear = abs.subi(quadratic);
        INDArray loss = quadratic.muli(quadratic).muli(0.5).addi(linear.muli(delta));
        if (mask != null) {
            LossUtil.applyMask(loss, mask);
        }
        return loss;
    }

    // One pass over float arrays instead of 6-8 ND4J ops (each with its own array and call): the same float
    // operations per value in the same order (ND4J's scalar min/max are "x < d ? x : d" and "x > d ? x : d", its
    // scalars the array's type), so the same values bit for bit (HuberLossTest compares both ways).

    /**
     * True when arrays live in host memory that their NIO buffers read and write directly (ND4J's CPU backend; a GPU
     * backend keeps device copies the loop would not see).
     */
    private static final boolean HOST_MEMORY = org.nd4j.linalg.factory.Nd4j.getExecutioner().getClass().getName()
            .startsWith("org.nd4j.linalg.cpu.");

    /** True for float {@code [examples, outputs]} arrays, the output c-ordered without gaps, labels of its shape. */
    private static boolean fusable(INDArray output, INDArray labels) {
        return HOST_MEMORY && output.dataType() == DataType.FLOAT && labels.dataType() == DataType.FLOAT && output.rank() == 2
                && java.util.Arrays.equals(output.shape(), labels.shape()) && denseC(output)
                && output.length() <= Integer.MAX_VALUE;
    }

    private static boolean denseC(INDArray a) {
        return a.ordering() == 'c' && a.stride(1) == 1 && a.stride(0) == a.size(1);
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Two work arrays per thread, kept ({@link ThreadWorkArrays} says why). */
    private static final ThreadWorkArrays WORK = new ThreadWorkArrays(2);

    /** The labels' values in c order, in work array 1. */
    private static float[] labelValues(INDArray labels) {
        INDArray c = denseC(labels) ? labels : labels.dup('c');
        int n = (int) c.length();
        float[] v = WORK.floats(1, n);
        floats(c).get((int) c.offset(), v, 0, n);
        return v;
    }

    /** {@link #perValue} without a mask: a new array like {@code output} ({@code output} is left as it is). */
    private INDArray fusedPerValue(INDArray output, INDArray labels) {
        int n = (int) output.length();
        float d = (float) delta;
        float[] l = labelValues(labels);
        float[] v = WORK.floats(0, n);
        floats(output).get((int) output.offset(), v, 0, n);
        for (int i = 0; i < n; i++) {
            // Math.abs and Math.min differ from ND4J's ops only for -0 and NaN, where the loss comes out the same
            // (+0, NaN); they compile without branches
            float abs = Math.abs(v[i] - l[i]);
            float quadratic = Math.min(abs, d);
            v[i] = quadratic * quadratic * 0.5f + (abs - quadratic) * d;
        }
        INDArray loss = output.ulike();
        floats(loss).put((int) loss.offset(), v, 0, n);
        return loss;
    }

    /** {@code clip(output - labels, -delta, delta) / outputs}, written into {@code output}. */
    private INDArray fusedClippedError(INDArray output, INDArray labels) {
        int n = (int) output.length();
        float d = (float) delta;
        float outputs = (float) output.size(1);
        float[] l = labelValues(labels);
        float[] v = WORK.floats(0, n);
        FloatBuffer out = floats(output);
        out.get((int) output.offset(), v, 0, n);
        for (int i = 0; i < n; i++) {
            float e = v[i] - l[i];
            float upper = e < d ? e : d;
            v[i] = (upper > -d ? upper : -d) / outputs;
        }
        out.put((int) output.offset(), v, 0, n);
        return output;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        INDArray scores = computeScoreArray(labels, preOutput, activationFn, mask);
        double score = scores.sumNumber().doubleValue();
        return average ? score / scores.size(0) : score;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray loss = perValue(labels, preOutput, activationFn, mask);
        return loss.sum(true, 1).divi(loss.size(1));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray output = activationFn.getActivation(preOutput.dup(), true);
        INDArray dLdOut;
        if (fusable(output, labels)) {
            dLdOut = fusedClippedError(output, labels);
        } else {
            INDArray error = output.subi(labels.castTo(output.dataType()));
            dLdOut = Transforms.max(Transforms.min(error, delta, false), -delta, false).divi(error.size(1));
        }
        INDArray grad = activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
        if (mask != null) {
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "huber";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HuberLoss h && h.delta == delta;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(delta);
    }

    @Override
    public String toString() {
        return "HuberLoss(delta=" + delta + ")";
    }
}
