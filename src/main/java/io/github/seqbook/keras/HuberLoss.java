package io.github.seqbook.keras;

import io.github.seqbook.Require;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
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
        INDArray abs = Transforms.abs(output.subi(labels.castTo(output.dataType())), false);
        INDArray quadratic = Transforms.min(abs, delta, true);
        INDArray linear = abs.subi(quadratic);
        INDArray loss = quadratic.muli(quadratic).muli(0.5).addi(linear.muli(delta));
        if (mask != null) {
            LossUtil.applyMask(loss, mask);
        }
        return loss;
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
        INDArray error = output.subi(labels.castTo(output.dataType()));
        INDArray dLdOut = Transforms.max(Transforms.min(error, delta, false), -delta, false).divi(error.size(1));
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
