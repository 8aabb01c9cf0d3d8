package io.github.seqbook.layers;

import java.util.Collection;

import io.github.seqbook.Require;
import io.github.seqbook.layers.engine.CausalConv1DImpl;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code Conv1D(filters, kernel_size, padding="causal", dilation_rate=d, activation=...)} (the book's WaveNet,
 * "Using 1D convolutional layers to process sequences") as a fast DL4J layer: for input {@code x} of
 * {@code [batch, channels, steps]} (NCW) the output {@code [batch, filters, steps]} is
 * {@code y[t] = act(b + sum_j W_j x[t - (k-1-j) d])}, zeros before step 0, so step {@code t} sees only inputs up to
 * {@code t}.
 *
 * <p>It is DL4J's {@code Convolution1DLayer} with {@code ConvolutionMode.Causal}, stride 1, NCW: the same
 * configuration (and JSON fields), the same parameters ({@code b} = bias {@code [1, filters]}, {@code W} = kernel
 * {@code [filters, channels, k, 1]}), initialised by the same initializer in the same order, so a network seed gives
 * it the starting weights it gave DL4J's layer. Only the computation differs ({@link CausalConv1DImpl}): DL4J runs
 * im2col and several ops per layer, which dominate at the chapter's sizes (20 filters); this layer computes one
 * matrix product per kernel tap over the whole time-major {@code [steps * batch, channels]} array, forward and
 * backward. Masks and the NWC layout are not supported.
 */
public final class CausalConv1D extends Convolution1DLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public CausalConv1D() {
    }

    /**
     * The fast layer for a DL4J causal convolution: a copy of {@code conf} that computes the same function.
     *
     * @throws IllegalArgumentException unless {@code conf} is causal, stride 1, NCW, with a bias
     */
    public static CausalConv1D of(Convolution1DLayer conf) {
        Require.notNull("conf", conf);
        if (conf.getConvolutionMode() != ConvolutionMode.Causal) {
            throw new IllegalArgumentException("CausalConv1D needs ConvolutionMode.Causal, got " + conf.getConvolutionMode());
        }
        if (conf.getStride()[0] != 1) {
            throw new IllegalArgumentException("CausalConv1D supports stride 1 only, got " + conf.getStride()[0]);
        }
        if (conf.getRnnDataFormat() != RNNFormat.NCW) {
            throw new IllegalArgumentException("CausalConv1D supports the NCW layout only, got " + conf.getRnnDataFormat());
        }
        if (!conf.hasBias()) {
            throw new IllegalArgumentException("CausalConv1D needs a bias (Keras' use_bias=True)");
        }
        // DL4J's Convolution1DLayer has only a private constructor from its builder: copy every configured field.
        return DropInConfiguration.copy(Convolution1DLayer.class, conf, new CausalConv1D(), "convolution");
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("CausalConv1D", getLayerName(), layerIndex, getNIn(), getNOut());
        return DropInConfiguration.wire(new CausalConv1DImpl(conf, networkDataType), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalConv1D && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + CausalConv1D.class.hashCode();
    }

    @Override
    public CausalConv1D clone() {
        return (CausalConv1D) super.clone();
    }

    @Override
    public String toString() {
        return "CausalConv1D(" + super.toString() + ")";
    }

    /**
     * Builds a {@link CausalConv1D} with Keras' defaults: Glorot-uniform kernel with Keras' fans
     * ({@link KerasGlorotUniform}), zero bias, linear activation, kernel size 2, dilation 1, NCW.
     */
    public static final class Builder {
        private final int filters;
        private int kernelSize = 2;
        private int dilation = 1;
        private Activation activation = Activation.IDENTITY;
        private String name;

        /**
         * @param filters output channels, at least 1
         * @throws IllegalArgumentException when {@code filters < 1}
         */
        public Builder(int filters) {
            this.filters = Require.positive("filters", filters);
        }

        /** Keras' {@code kernel_size}, at least 1 (2 in the book's WaveNet). */
        public Builder kernelSize(int kernelSize) {
            this.kernelSize = Require.positive("kernelSize", kernelSize);
            return this;
        }

        /** Keras' {@code dilation_rate}, at least 1: the kernel reads every {@code dilation}-th step. */
        public Builder dilation(int dilation) {
            this.dilation = Require.positive("dilation", dilation);
            return this;
        }

        /** Keras' {@code activation} ({@code IDENTITY} is Keras' linear, the default). */
        public Builder activation(Activation activation) {
            this.activation = Require.notNull("activation", activation);
            return this;
        }

        /** DL4J's layer name. */
        public Builder name(String name) {
            this.name = Require.notNull("name", name);
            return this;
        }

        /** The configured layer. */
        public CausalConv1D build() {
            Convolution1DLayer.Builder b = new Convolution1DLayer.Builder().nOut(filters).kernelSize(kernelSize)
                    .stride(1).dilation(dilation).convolutionMode(ConvolutionMode.Causal)
                    .rnnDataFormat(RNNFormat.NCW).activation(activation).weightInit(new KerasGlorotUniform())
                    .biasInit(0.0);
            if (name != null) {
                b.name(name);
            }
            return of(b.build());
        }
    }
}
