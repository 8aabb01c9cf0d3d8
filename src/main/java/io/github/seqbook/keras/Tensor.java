package io.github.seqbook.keras;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A symbolic tensor of Keras' functional API: what {@link Keras#input} returns and what {@link Layer#apply}
 * outputs. It holds no values, only its shape and the layer (and input tensors) it comes from, so that
 * {@link Keras#model} can build the graph between an input and an output.
 */
public final class Tensor {
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final long id = NEXT_ID.getAndIncrement();
    private final Layer layer;
    private final List<Tensor> inputs;
    private final Shape shape;

    Tensor(Layer layer, List<Tensor> inputs, Shape shape) {
        this.layer = layer;
        this.inputs = List.copyOf(inputs);
        this.shape = shape;
    }

    /** The shape of one example (without the batch axis). */
    public Shape shape() {
        return shape;
    }

    /** True for a model input ({@link Keras#input}). */
    public boolean isInput() {
        return layer == null;
    }

    /** Creation order: a tensor is always created after its inputs. */
    long id() {
        return id;
    }

    /** The layer that outputs this tensor, null for an input. */
    Layer layer() {
        return layer;
    }

    /** The tensors the layer was called on. */
    List<Tensor> inputs() {
        return inputs;
    }

    @Override
    public String toString() {
        return "Tensor(shape=" + shape + (layer == null ? ", input" : ", from " + layer.kerasClass()) + ")";
    }
}
