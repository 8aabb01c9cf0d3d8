package io.github.seqbook.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.seqbook.Require;
import io.github.seqbook.layers.CausalConv1D;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.activations.Activation;

/**
 * Keras' {@code Conv1D(filters, kernel_size, strides=1, padding="valid", dilation_rate=1, activation=None)} over
 * sequences {@code [batch, steps, features] -> [batch, steps', filters]}: Glorot-uniform kernel with Keras' fans, zero
 * bias, {@code filters(kernel_size * features + 1)} parameters ({@code Conv1D(20, kernel_size=4)} on 1 input: 100).
 *
 * <p>Output length, as Keras: {@code "valid"} (no padding) {@code floor((steps - dilation * (kernel - 1) - 1) /
 * strides) + 1}; {@code "causal"} (zeros in front, so step {@code t} sees only inputs up to {@code t}) and
 * {@code "same"} {@code ceil(steps / strides)}. A {@code "softmax"} activation normalises each step's filters as in
 * Keras; in DL4J it is only possible on the model's last layer (it moves into the loss layer there).
 *
 * <p>A {@code "causal"} convolution with stride 1 (the book's WaveNets), and any kernel-size-1 convolution with
 * stride 1 (the same function whatever the padding), builds a {@link CausalConv1D} by default: DL4J's
 * configuration, parameters and initialisation (the same starting weights for a seed), computed with replayed
 * matrix products on time-shifted rows instead of DL4J's im2col path (the simplified WaveNet trains several times
 * faster). It is the same function up to float rounding: DL4J sums the products in another order, so two trainings
 * drift apart by rounding (the simplified WaveNet's full-mode validation MSE after 20 epochs: 0.008126 against
 * 0.008059 with DL4J's layer). {@link #dl4jCausal()} builds DL4J's {@code Convolution1DLayer} instead.
 */
public final class Conv1D extends Layer {
    private final int filters;
    private final int kernelSize;
    private int strides = 1;
    private String padding = "valid";
    private int dilationRate = 1;
    private String activation = "linear";
    private boolean fastCausal = true;

    Conv1D(int filters, int kernelSize) {
        this.filters = Require.positive("filters", filters);
        this.kernelSize = Require.positive("kernelSize", kernelSize);
    }

    /** Keras' {@code strides}, at least 1. */
    public Conv1D strides(int strides) {
        this.strides = Require.positive("strides", strides);
        return this;
    }

    /**
     * Computes this layer with the library's {@link CausalConv1D} where it is the same function (causal padding or
     * kernel size 1, stride 1): the default, so this call only documents the choice. See the class comment.
     *
     * @return this layer
     */
    public Conv1D fastCausal() {
        this.fastCausal = true;
        return this;
    }

    /**
     * Computes this layer with DL4J's own {@code Convolution1DLayer} even where {@link CausalConv1D} would compute
     * the same function: to reproduce numbers trained with DL4J's layer bit for bit, or for masked sequences (which
     * {@code CausalConv1D} refuses).
     *
     * @return this layer
     */
    public Conv1D dl4jCausal() {
        this.fastCausal = false;
        return this;
    }

    /** Keras' {@code padding}: {@code "valid"} (the default), {@code "causal"} or {@code "same"}. */
    public Conv1D padding(String padding) {
        Require.notNull("padding", padding);
        String p = padding.toLowerCase(Locale.ROOT);
        if (!List.of("valid", "causal", "same").contains(p)) {
            throw new IllegalArgumentException("padding must be \"valid\", \"causal\" or \"same\", got \"" + padding + "\"");
        }
        this.padding = p;
        return this;
    }

    /** Keras' {@code dilation_rate}, at least 1: the kernel reads every {@code rate}-th step. */
    public Conv1D dilationRate(int rate) {
        this.dilationRate = Require.positive("dilationRate", rate);
        return this;
    }

    /** Keras' {@code activation}: {@code "linear"} (the default), {@code "relu"}, ... */
    public Conv1D activation(String activation) {
        this.activation = Activations.check(activation);
        return this;
    }

    @Override
    public String kerasClass() {
        return "Conv1D";
    }

    @Override
    String nameStem() {
        return "conv1d";
    }

    @Override
    Shape outputShape(Shape input) {
        requireSequence(input);
        if (!input.knownSteps()) {
            return Shape.ofSequence(Shape.ANY_LENGTH, filters);
        }
        int steps = input.steps();
        int out;
        if (padding.equals("valid")) {
            int span = dilationRate * (kernelSize - 1) + 1;
            if (steps < span) {
                throw new IllegalArgumentException("Conv1D(kernel_size=" + kernelSize + ", dilation_rate=" + dilationRate
                        + ", padding=\"valid\") needs at least " + span + " steps, got input shape " + input);
            }
            out = (steps - span) / strides + 1;
        } else {
            out = (steps + strides - 1) / strides;
        }
        return Shape.ofSequence(out, filters);
    }

    private ConvolutionMode mode() {
        return switch (padding) {
            case "causal" -> ConvolutionMode.Causal;
            case "same" -> ConvolutionMode.Same;
            // Truncate is Keras' "valid": no padding, the last incomplete window dropped.
            default -> ConvolutionMode.Truncate;
        };
    }

    @Override
    Built build(Shape input) {
        outputShape(input);
        if (activation.equals("softmax")) {
            throw new IllegalArgumentException("Conv1D with activation \"softmax\" works only as the model's last layer"
                    + " (DL4J would normalise over time steps, not filters)");
        }
        return Built.of(layer(Activations.of(activation)));
    }

    /**
     * DL4J's convolution, or the fast {@link CausalConv1D} where it computes the same function: causal with stride
     * 1, and kernel size 1 with stride 1 whatever the padding (each step sees only itself).
     */
    private org.deeplearning4j.nn.conf.layers.Convolution1DLayer layer(Activation act) {
        if (fastCausal && strides == 1 && (padding.equals("causal") || kernelSize == 1)) {
            return CausalConv1D.of(Models.conv1d(filters, kernelSize, 1, dilationRate, ConvolutionMode.Causal, act));
        }
        return Models.conv1d(filters, kernelSize, strides, dilationRate, mode(), act);
    }

    @Override
    Built buildOutput(Shape input, Loss loss) {
        Shape out = outputShape(input);
        Activation act = Activations.of(activation);
        List<org.deeplearning4j.nn.conf.layers.Layer> layers = new ArrayList<>();
        // The loss layer applies its activation to [batch * steps, filters]: a softmax there normalises each step's
        // filters, as Keras does. On the convolution itself it would run over time.
        boolean inLoss = act == Activation.SOFTMAX;
        layers.add(layer(inLoss ? Activation.IDENTITY : act));
        layers.add(lossLayer(out, loss, inLoss ? act : Activation.IDENTITY));
        return new Built(layers, null, null);
    }

    @Override
    public String toString() {
        return "Conv1D(" + filters + ", kernel_size=" + kernelSize + (strides != 1 ? ", strides=" + strides : "")
                + (padding.equals("valid") ? "" : ", padding=\"" + padding + "\"")
                + (dilationRate != 1 ? ", dilation_rate=" + dilationRate : "")
                + (activation.equals("linear") ? "" : ", activation=\"" + activation + "\"") + ")";
    }
}
