package io.github.seqbook.keras;

import io.github.seqbook.Require;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.weights.WeightInitDistribution;

/**
 * Keras' {@code Embedding(input_dim, output_dim)}: each step's integer token id in {@code [0, input_dim)} becomes a
 * trainable vector of {@code output_dim} values, {@code [batch, steps, 1] -> [batch, steps, output_dim]};
 * {@code input_dim * output_dim} parameters, initialised uniformly in [-0.05, 0.05] as Keras does. The inputs hold
 * the ids as numbers, one feature per step.
 */
public final class Embedding extends Layer {
    private final int inputDim;
    private final int outputDim;

    Embedding(int inputDim, int outputDim) {
        this.inputDim = Require.positive("inputDim", inputDim);
        this.outputDim = Require.positive("outputDim", outputDim);
    }

    @Override
    public String kerasClass() {
        return "Embedding";
    }

    @Override
    String nameStem() {
        return "embedding";
    }

    @Override
    Shape outputShape(Shape input) {
        requireSequence(input);
        if (input.features() != 1) {
            throw new IllegalArgumentException("Embedding reads one token id per step, [batch, steps, 1], got input "
                    + "shape " + input);
        }
        return Shape.ofSequence(input.steps(), outputDim);
    }

    @Override
    Built build(Shape input) {
        outputShape(input);
        EmbeddingSequenceLayer.Builder b = new EmbeddingSequenceLayer.Builder().nIn(inputDim).nOut(outputDim)
                .hasBias(false).outputDataFormat(RNNFormat.NCW)
                .weightInit(new WeightInitDistribution(new UniformDistribution(-0.05, 0.05)));
        if (input.knownSteps()) {
            b.inputLength(input.steps());
        }
        return Built.of(b.build());
    }

    @Override
    public String toString() {
        return "Embedding(" + inputDim + ", " + outputDim + ")";
    }
}
