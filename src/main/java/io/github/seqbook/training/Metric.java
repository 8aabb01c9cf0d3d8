package io.github.seqbook.training;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A validation metric computed from targets and predictions in the book's layout, reported by
 * {@link Training#fit} every epoch next to the loss (Keras' {@code metrics=[...]}).
 */
public interface Metric {
    /** The column name without the {@code val_} prefix, e.g. {@code last_time_step_mse}. */
    String name();

    /** The metric over a whole split. */
    double compute(INDArray yTrue, INDArray yPred);

    /**
     * True when the targets hold one integer class index per prediction while the predictions hold one probability
     * per class (sparse categorical cross-entropy, accuracy); false (the default) when targets and predictions have
     * one shape.
     */
    default boolean classIndexTargets() {
        return false;
    }
}
