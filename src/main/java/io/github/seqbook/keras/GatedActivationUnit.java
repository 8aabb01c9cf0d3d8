package io.github.seqbook.keras;

/**
 * The book's {@code GatedActivationUnit} layer (WaveNet): the input's features are split in halves {@code a} and
 * {@code b} and the output is {@code tanh(tanh(a)) * sigmoid(b)} as the book's code computes it (see
 * {@link io.github.seqbook.layers.GatedActivationUnit}), {@code [batch, steps, 2n] -> [batch, steps, n]}. No
 * parameters; only in {@link Keras#model} (a graph vertex in DL4J).
 */
public final class GatedActivationUnit extends Layer {
    GatedActivationUnit() {
    }

    @Override
    public String kerasClass() {
        return "GatedActivationUnit";
    }

    @Override
    String nameStem() {
        return "gated_activation_unit";
    }

    @Override
    Shape outputShape(Shape input) {
        if (input.features() % 2 != 0) {
            throw new IllegalArgumentException("GatedActivationUnit splits its input's features in two halves; it needs "
                    + "an even number, got input shape " + input);
        }
        return input.withFeatures(input.features() / 2);
    }

    @Override
    Built build(Shape input) {
        outputShape(input);
        return new Built(java.util.List.of(), null, io.github.seqbook.layers.GatedActivationUnit.bookCode());
    }

    @Override
    public String toString() {
        return "GatedActivationUnit()";
    }
}
