package io.github.seqbook.keras;

import io.github.seqbook.layers.FlattenSequence;

/**
 * Keras' {@code Flatten()}: a sequence {@code [batch, steps, features]} becomes {@code [batch, steps * features]}
 * in Keras' order (step by step), so that a {@link Dense} layer sees the whole window. It needs the number of steps
 * ({@code input(steps, features)} with a known length). No parameters; in DL4J it is the next layer's input
 * preprocessor ({@link FlattenSequence}).
 */
public final class Flatten extends Layer {
    Flatten() {
    }

    @Override
    public String kerasClass() {
        return "Flatten";
    }

    @Override
    String nameStem() {
        return "flatten";
    }

    @Override
    Shape outputShape(Shape input) {
        if (!input.sequence()) {
            return input;
        }
        if (!input.knownSteps()) {
            throw new IllegalArgumentException("Flatten needs a known number of steps, got input shape " + input
                    + "; declare it with input(steps, features)");
        }
        return Shape.ofVector(input.steps() * input.features());
    }

    @Override
    Built build(Shape input) {
        outputShape(input);
        if (!input.sequence()) {
            return new Built(java.util.List.of(), null, null);
        }
        return new Built(java.util.List.of(), new FlattenSequence(input.features()), null);
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
