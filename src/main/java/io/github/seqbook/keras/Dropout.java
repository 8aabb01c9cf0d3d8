package io.github.seqbook.keras;

import io.github.seqbook.Require;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;

/**
 * Keras' {@code Dropout(rate)}: in training, each input value is dropped with probability {@code rate} and the rest
 * scaled by {@code 1 / (1 - rate)}, per example; at inference it passes values through (MC Dropout keeps it on, see
 * {@link io.github.seqbook.training.Forecasts#mcDropout}). No parameters.
 */
public final class Dropout extends Layer {
    private final double rate;

    Dropout(double rate) {
        this.rate = Require.inRange("rate", rate, 0.0, 0.999);
    }

    /** The drop probability. */
    public double rate() {
        return rate;
    }

    @Override
    public String kerasClass() {
        return "Dropout";
    }

    @Override
    String nameStem() {
        return "dropout";
    }

    @Override
    Shape outputShape(Shape input) {
        return input;
    }

    @Override
    Built build(Shape input) {
        // DL4J's dropout takes the probability of keeping a value.
        return Built.of(new DropoutLayer.Builder(1.0 - rate).build());
    }

    @Override
    public String toString() {
        return "Dropout(" + rate + ")";
    }
}
