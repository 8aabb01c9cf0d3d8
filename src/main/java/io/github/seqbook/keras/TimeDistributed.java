package io.github.seqbook.keras;

import io.github.seqbook.Require;

/**
 * Keras' {@code TimeDistributed(layer)}: the wrapped layer applied to every time step of a sequence,
 * {@code [batch, steps, n] -> [batch, steps, units]}. Only {@link Dense} can be wrapped (the chapter's use); a
 * {@code Dense} on a sequence computes the same thing.
 */
public final class TimeDistributed extends Layer {
    private final Dense layer;

    TimeDistributed(Layer layer) {
        Require.notNull("layer", layer);
        if (!(layer instanceof Dense dense)) {
            throw new IllegalArgumentException("TimeDistributed wraps a Dense layer here, got " + layer.kerasClass());
        }
        this.layer = dense;
    }

    /** The wrapped layer. */
    public Layer layer() {
        return layer;
    }

    @Override
    public String kerasClass() {
        return "TimeDistributed";
    }

    @Override
    String nameStem() {
        return "time_distributed";
    }

    @Override
    Shape outputShape(Shape input) {
        requireSequence(input);
        return layer.outputShape(input);
    }

    @Override
    Built build(Shape input) {
        outputShape(input);
        return layer.build(input);
    }

    @Override
    Built buildOutput(Shape input, Loss loss) {
        outputShape(input);
        return layer.buildOutput(input, loss);
    }

    @Override
    public String toString() {
        return "TimeDistributed(" + layer + ")";
    }
}
