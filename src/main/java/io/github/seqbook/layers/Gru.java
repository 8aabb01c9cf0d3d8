package io.github.seqbook.layers;

import java.util.List;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import io.github.seqbook.layers.engine.GruImpl;
import io.github.seqbook.layers.engine.ParamSpec;
import io.github.seqbook.layers.engine.TimeMajorRnnImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Keras' {@code GRU} layer (TensorFlow 2 defaults), which DL4J 1.0.0-M2.1 lacks: a gated recurrent unit that
 * returns the whole sequence. With {@code x} the input of a step and {@code h} the previous state:
 * <pre>
 *   z  = sigmoid(x·W_z + b_z + h·U_z + c_z)          update gate
 *   r  = sigmoid(x·W_r + b_r + h·U_r + c_r)          reset gate
 *   h~ = tanh(x·W_h + b_h + r ⊙ (h·U_h + c_h))       candidate; the reset gate is applied after the product
 *   h' = z ⊙ h + (1 - z) ⊙ h~                        new state and output
 * </pre>
 * This is {@code reset_after=True}: two bias vectors, {@code b} for the input side and {@code c} for the recurrent
 * side. Parameters, in Keras' shapes and gate order (z, r, h): {@code W} = kernel {@code [nIn, 3 units]},
 * {@code RW} = recurrent_kernel {@code [units, 3 units]}, {@code b} = bias {@code [2, 3 units]} (row 0 input,
 * row 1 recurrent); {@code GRU(20)} on one input has 60 + 1200 + 120 = 1380. Initialisation as Keras: Glorot
 * uniform, orthogonal, zeros. Only tanh (activation) and sigmoid (recurrent activation) are supported.
 *
 * <p>Use it like DL4J's {@code LSTM}: {@code new Gru.Builder().nOut(20).build()}; the input size is set by the
 * network's input type.
 *
 * <p>Dropout as Keras' {@code GRU(dropout=..., recurrent_dropout=...)} (see {@link CustomRecurrentLayer}): per
 * sample and sequence, on the input and on the {@code h} the recurrent products see ({@code h'} mixes the unmasked
 * {@code h}); under recurrent dropout each gate (z, r, h) gets its own masks, as Keras 2's {@code implementation=1}.
 */
public final class Gru extends CustomRecurrentLayer {
    private static final long serialVersionUID = 1L;
    /** Key of the kernel, {@code [nIn, 3 units]}. */
    public static final String KERNEL = "W";
    /** Key of the recurrent kernel, {@code [units, 3 units]}. */
    public static final String RECURRENT_KERNEL = RecurrentDropConnect.RECURRENT_WEIGHTS;
    /** Key of the biases, {@code [2, 3 units]}: input side, recurrent side. */
    public static final String BIAS = "b";

    private Gru() {
    }

    private Gru(Builder builder) {
        super(builder);
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        long units = getNOut();
        return List.of(
                new ParamSpec(KERNEL, new long[] {getNIn(), 3 * units}, ParamSpec.Kind.KERNEL),
                new ParamSpec(RECURRENT_KERNEL, new long[] {units, 3 * units}, ParamSpec.Kind.RECURRENT_KERNEL),
                new ParamSpec(BIAS, new long[] {2, 3 * units}, ParamSpec.Kind.BIAS));
    }

    /** 3: Keras' dropout masks, three masks each (gates z, r, h) under recurrent dropout. */
    @Override
    public int dropoutGates() {
        return 3;
    }

    @Override
    protected TimeMajorRnnImpl<?> createImpl(NeuralNetConfiguration conf, DataType dataType) {
        return new GruImpl(conf, dataType);
    }

    @Override
    public Gru clone() {
        return (Gru) super.clone();
    }

    /** Builds a {@link Gru}; set at least {@code nOut} (the number of units). */
    public static final class Builder extends CustomRecurrentLayer.Builder<Builder> {
        /** A builder with Keras' defaults. */
        public Builder() {
        }

        @Override
        @SuppressWarnings("unchecked")
        public Gru build() {
            return new Gru(this);
        }
    }
}
