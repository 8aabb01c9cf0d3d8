package io.github.seqbook.keras;

import io.github.seqbook.layers.ElementWiseActivationLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Keras' {@code Activation(name)} layer: the activation applied to every value, no parameters (the original
 * WaveNet's {@code Activation("relu")} on the sum of skip connections). A softmax over a sequence's features is not
 * available here (DL4J would normalise over time); use it on a model's last Dense or Conv1D layer instead.
 */
public final class ActivationLayer extends Layer {
    private final String activation;

    ActivationLayer(String activation) {
        this.activation = Activations.check(activation);
    }

    @Override
    public String kerasClass() {
        return "Activation";
    }

    @Override
    String nameStem() {
        return "activation";
    }

    @Override
    Shape outputShape(Shape input) {
        if (input.sequence() && activation.equals("softmax")) {
            throw new IllegalArgumentException("Activation(\"softmax\") on a sequence is not supported (DL4J would "
                    + "normalise over time steps); give the last Dense or Conv1D layer activation \"softmax\"");
        }
        return input;
    }

    @Override
    Built build(Shape input) {
        outputShape(input);
        Activation a = Activations.of(activation);
        return Built.of(ElementWiseActivationLayer.of(
                new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder().activation(a).build()));
    }

    @Override
    public String toString() {
        return "Activation(\"" + activation + "\")";
    }
}
