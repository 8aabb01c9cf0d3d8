package io.github.seqbook.keras;

import java.util.List;

import io.github.seqbook.layers.ElementWiseAdd;

/**
 * Keras' {@code Add()} of the functional API: the element-wise sum of tensors of one shape, for residual and skip
 * connections (the original WaveNet). No parameters; only in {@link Keras#model} (a graph), not in a sequential model.
 */
public final class Add extends Layer {
    Add() {
    }

    @Override
    public String kerasClass() {
        return "Add";
    }

    @Override
    String nameStem() {
        return "add";
    }

    @Override
    Shape outputShape(Shape input) {
        return input;
    }

    @Override
    Shape outputShape(List<Shape> inputs) {
        if (inputs.size() < 2) {
            throw new IllegalArgumentException("Add needs at least two input tensors, got " + inputs.size());
        }
        Shape first = inputs.get(0);
        for (Shape s : inputs) {
            if (s.sequence() != first.sequence() || s.features() != first.features()
                    || (s.knownSteps() && first.knownSteps() && s.steps() != first.steps())) {
                throw new IllegalArgumentException("Add needs inputs of one shape, got " + inputs);
            }
        }
        return first;
    }

    @Override
    Built build(Shape input) {
        return new Built(List.of(), null, new ElementWiseAdd());
    }

    @Override
    public String toString() {
        return "Add()";
    }
}
