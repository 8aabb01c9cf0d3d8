package io.github.seqbook.keras;

import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

import io.github.seqbook.Require;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * An optimizer for {@link KerasModel#compile}, Keras' name and settings ({@code Adam(learning_rate=0.01)}) over the
 * DL4J updater that runs it. Made by {@link Keras#adam}, {@link Keras#nadam} and {@link Keras#sgd}.
 *
 * @param description Keras' spelling, e.g. {@code Adam(learning_rate=0.01)}
 * @param updater     the DL4J updater
 */
public record Optimizer(String description, IUpdater updater) {
    /** Checks the arguments. */
    public Optimizer {
        Require.notNull("description", description);
        Require.notNull("updater", updater);
    }

    /** The learning rate. */
    public double learningRate() {
        return updater.getLearningRate(0, 0);
    }

    /**
     * True for updaters whose step is proportional to the gradient (SGD, with or without momentum, and Nesterov): a
     * gradient scaled by a constant moves them by as much more, where Adam-like updaters cancel the constant.
     */
    public boolean stepIsLinearInGradient() {
        return updater instanceof Sgd || updater instanceof SgdMomentum || updater instanceof Nesterovs;
    }

    @Override
    public String toString() {
        return description;
    }
}
