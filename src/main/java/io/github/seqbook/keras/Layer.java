package io.github.seqbook.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.seqbook.Require;
import io.github.seqbook.layers.SequenceLossLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * A layer of the Keras-shaped model API ({@link Keras}): a description that knows its Keras class name
 * ({@code SimpleRNN}), its output shape for an input shape, and the DL4J layers that compute it. Layers are put
 * together by {@link Keras#sequential} or, called on {@link Tensor}s with {@link #apply}, by {@link Keras#model}
 * (Keras' functional API); the model builds the DL4J network when it is compiled.
 *
 * <p>Every layer reads and writes the book's shapes ({@code [batch, steps, features]} or {@code [batch, features]});
 * inside, the network runs in DL4J's NCW layout, which {@link io.github.seqbook.training.Training} converts to.
 */
public abstract class Layer {
    private String name;

    Layer() {
    }

    /** Keras' class name of this layer, e.g. {@code SimpleRNN}, as {@link Keras#summary} prints it. */
    public abstract String kerasClass();

    /** Keras' default name without its counter, e.g. {@code simple_rnn}. */
    abstract String nameStem();

    /**
     * Names the layer (Keras' {@code name=...}); by default a model names it after its class, numbered as Keras
     * does ({@code simple_rnn}, {@code simple_rnn_1}, ...).
     */
    public Layer name(String name) {
        Require.notNull("name", name);
        if (name.isBlank() || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("name must be letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        this.name = name;
        return this;
    }

    /** The name set with {@link #name(String)}, or null. */
    String explicitName() {
        return name;
    }

    /**
     * The shape this layer outputs for one input of shape {@code input}.
     *
     * @throws IllegalArgumentException when the layer cannot read that input
     */
    abstract Shape outputShape(Shape input);

    /** The output shape for several inputs (only merging layers such as {@code Add} take more than one). */
    Shape outputShape(List<Shape> inputs) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(kerasClass() + " takes one input, got " + inputs.size());
        }
        return outputShape(inputs.get(0));
    }

    /** The DL4J layers (or vertex, or preprocessor) computing this layer inside a network, not as its output. */
    abstract Built build(Shape input);

    /**
     * The DL4J layers computing this layer as the model's output, ending in a layer that holds the loss. By
     * default the hidden layers followed by a parameterless loss layer (Keras' {@code loss=} on this layer's output).
     */
    Built buildOutput(Shape input, Loss loss) {
        Built hidden = build(input);
        if (hidden.vertex() != null || hidden.layers().isEmpty()) {
            throw new IllegalArgumentException(kerasClass() + " cannot be a model's last layer; add a layer after it");
        }
        List<org.deeplearning4j.nn.conf.layers.Layer> layers = new ArrayList<>(hidden.layers());
        layers.add(lossLayer(outputShape(input), loss, Activation.IDENTITY));
        return new Built(layers, hidden.preProcessor(), null);
    }

    /**
     * Calls the layer on tensors (Keras' functional API, {@code layer(inputs)}): returns the tensor it outputs.
     *
     * @throws IllegalArgumentException when the inputs' shapes do not fit the layer
     */
    public Tensor apply(Tensor... inputs) {
        Require.notNull("inputs", inputs);
        if (inputs.length == 0) {
            throw new IllegalArgumentException(kerasClass() + ": give at least one input tensor");
        }
        List<Tensor> list = Arrays.asList(inputs);
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            shapes.add(Require.notNull("inputs[" + i + "]", inputs[i]).shape());
        }
        return new Tensor(this, list, outputShape(shapes));
    }

    /** A parameterless loss on an output of shape {@code out}. */
    static org.deeplearning4j.nn.conf.layers.Layer lossLayer(Shape out, Loss loss, Activation activation) {
        if (out.sequence()) {
            RnnLossLayer layer = SequenceLossLayer.of(new RnnLossLayer.Builder(loss.function()).activation(activation)
                    .dataFormat(RNNFormat.NCW).build());
            // Sizes set so that DL4J does not warn and Training can check targets against the model's outputs.
            layer.setNIn(out.features());
            layer.setNOut(out.features());
            return layer;
        }
        LossLayer layer = new LossLayer.Builder(loss.function()).activation(activation).build();
        layer.setNIn(out.features());
        layer.setNOut(out.features());
        return layer;
    }

    /** Fails unless the input is a sequence. */
    Shape requireSequence(Shape input) {
        if (!input.sequence()) {
            throw new IllegalArgumentException(kerasClass() + " needs sequences [batch, steps, features] as input, got "
                    + input + "; put it before the layer that drops the time axis (Flatten, or a recurrent layer "
                    + "with returnSequences(false))");
        }
        return input;
    }

    /**
     * What a layer becomes in DL4J: layers (in order), an input preprocessor for the first of them or for the next
     * layer when there are none (Flatten), or a graph vertex (merges, functional models only).
     */
    record Built(List<org.deeplearning4j.nn.conf.layers.Layer> layers, InputPreProcessor preProcessor,
                 GraphVertex vertex) {
        static Built of(org.deeplearning4j.nn.conf.layers.Layer... layers) {
            return new Built(List.of(layers), null, null);
        }
    }

    @Override
    public String toString() {
        return kerasClass() + (name != null ? "(name=" + name + ")" : "");
    }
}
