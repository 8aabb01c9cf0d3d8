package io.github.seqbook.layers;

import java.util.List;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import io.github.seqbook.layers.engine.LayerNormSimpleRnnImpl;
import io.github.seqbook.layers.engine.ParamSpec;
import io.github.seqbook.layers.engine.TimeMajorRnnImpl;
import io.github.seqbook.Require;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The book's layer-normalized simple RNN, {@code keras.layers.RNN(LNSimpleRNNCell(units), return_sequences=True)},
 * as one DL4J layer. With {@code x} the input of a step and {@code h} the previous state:
 * <pre>
 *   s  = x·W + h·RW + b                               SimpleRNNCell with activation=None
 *   h' = tanh(gamma ⊙ (s - mean(s)) / sqrt(var(s) + eps) + beta)   LayerNormalization, then tanh
 * </pre>
 * The normalized, activated output is also the new state. Parameters (Keras' shapes): {@code W} {@code [nIn, units]},
 * {@code RW} {@code [units, units]}, {@code b}, {@code gamma}, {@code beta} {@code [units]}; 20 units on one input
 * have 440 + 40 = 480. Initialisation as Keras: Glorot uniform, orthogonal, zeros, gamma 1, beta 0; epsilon
 * 1e-3 (Keras' default). DL4J's own {@code SimpleRnn.hasLayerNorm} normalizes the input and recurrent products
 * separately, without beta or epsilon, and crashes in M2.1.
 *
 * <p>The same computation, written as an explicit loop over a cell, is
 * {@code new RecurrentLoop.Builder().cell(new LayerNormSimpleRnnCell(units))}; this layer is faster because it
 * computes the input products and the weight gradients for all steps at once.
 */
public final class LayerNormSimpleRnn extends CustomRecurrentLayer {
    private static final long serialVersionUID = 1L;
    /** Keras' default epsilon of {@code LayerNormalization}. */
    public static final double KERAS_EPSILON = 1e-3;
    /** Key of the input kernel, {@code [nIn, units]}. */
    public static final String KERNEL = "W";
    /** Key of the recurrent kernel, {@code [units, units]}. */
    public static final String RECURRENT_KERNEL = RecurrentDropConnect.RECURRENT_WEIGHTS;
    /** Key of the SimpleRNNCell bias, {@code [units]}. */
    public static final String BIAS = "b";
    /** Key of the normalization's scale, {@code [units]}. */
    public static final String GAMMA = "gamma";
    /** Key of the normalization's shift, {@code [units]}. */
    public static final String BETA = "beta";

    private double epsilon = KERAS_EPSILON;

    private LayerNormSimpleRnn() {
    }

    private LayerNormSimpleRnn(Builder builder) {
        super(builder);
        this.epsilon = builder.epsilon;
    }

    /** The parameters of a layer-normalized SimpleRNN cell of {@code units} units on {@code inputs} inputs. */
    static List<ParamSpec> specs(long inputs, long units) {
        return List.of(
                new ParamSpec(KERNEL, new long[] {inputs, units}, ParamSpec.Kind.KERNEL),
                new ParamSpec(RECURRENT_KERNEL, new long[] {units, units}, ParamSpec.Kind.RECURRENT_KERNEL),
                new ParamSpec(BIAS, new long[] {units}, ParamSpec.Kind.BIAS),
                new ParamSpec(GAMMA, new long[] {units}, ParamSpec.Kind.GAIN),
                new ParamSpec(BETA, new long[] {units}, ParamSpec.Kind.BIAS));
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return specs(getNIn(), getNOut());
    }

    @Override
    protected TimeMajorRnnImpl<?> createImpl(NeuralNetConfiguration conf, DataType dataType) {
        return new LayerNormSimpleRnnImpl(conf, dataType);
    }

    /** The epsilon added to the variance. */
    public double getEpsilon() {
        return epsilon;
    }

    /** Sets the epsilon (for JSON deserialization). */
    public void setEpsilon(double epsilon) {
        this.epsilon = epsilon;
    }

    @Override
    public LayerNormSimpleRnn clone() {
        return (LayerNormSimpleRnn) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof LayerNormSimpleRnn other && other.epsilon == epsilon;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(epsilon);
    }

    /** Builds a {@link LayerNormSimpleRnn}; set at least {@code nOut} (the number of units). */
    public static final class Builder extends CustomRecurrentLayer.Builder<Builder> {
        private double epsilon = KERAS_EPSILON;

        /** A builder with Keras' defaults. */
        public Builder() {
        }

        /** The epsilon added to the variance (Keras' default 1e-3). */
        public Builder epsilon(double epsilon) {
            this.epsilon = Require.positive("epsilon", epsilon);
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LayerNormSimpleRnn build() {
            return new LayerNormSimpleRnn(this);
        }
    }
}
