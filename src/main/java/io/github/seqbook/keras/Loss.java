package io.github.seqbook.keras;

import io.github.seqbook.training.Metric;
import io.github.seqbook.training.Metrics;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * A loss for {@link KerasModel#compile}: Keras' {@code "mse"}, {@code "mae"}, {@code "huber"} or
 * {@code "sparse_categorical_crossentropy"}, as the DL4J loss function the network trains with and as a
 * {@link Metric} on the book's arrays, which {@link io.github.seqbook.training.Training#fit} reports as
 * {@code val_loss} and {@link KerasModel#evaluate} as {@code loss}. A loss is also a metric:
 * {@code compile(adam(), huber(), mae())} reports the MAE next to the Huber loss.
 *
 * <p>Like Keras, each loss averages over the last axis and then over examples (and steps); on sequences DL4J sums
 * over steps, which {@code Training} divides back out.
 */
public final class Loss implements Metric {
    private final String name;
    private final ILossFunction function;
    private final double delta;

    private Loss(String name, ILossFunction function, double delta) {
        this.name = name;
        this.function = function;
        this.delta = delta;
    }

    static Loss mse() {
        return new Loss("mse", new LossMSE(), Double.NaN);
    }

    static Loss mae() {
        return new Loss("mae", new LossMAE(), Double.NaN);
    }

    static Loss huber(double delta) {
        return new Loss("huber", new HuberLoss(delta), delta);
    }

    static Loss sparseCategoricalCrossentropy() {
        return new Loss("sparse_categorical_crossentropy", new LossSparseMCXENT(), Double.NaN);
    }

    /** The DL4J loss function the output layer holds. */
    public ILossFunction function() {
        return function;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double compute(INDArray yTrue, INDArray yPred) {
        return switch (name) {
            case "mse" -> Metrics.mse(yTrue, yPred);
            case "mae" -> Metrics.mae(yTrue, yPred);
            case "huber" -> Metrics.huber(yTrue, yPred, delta);
            default -> Metrics.sparseCategoricalCrossentropy(yTrue, yPred);
        };
    }

    @Override
    public boolean classIndexTargets() {
        return function instanceof LossSparseMCXENT;
    }

    @Override
    public String toString() {
        return name;
    }
}
