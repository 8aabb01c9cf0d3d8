package io.github.seqbook.layers;

import java.util.List;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import io.github.seqbook.layers.engine.KerasSimpleRnnImpl;
import io.github.seqbook.layers.engine.OpTape;
import io.github.seqbook.layers.engine.ParamSpec;
import io.github.seqbook.layers.engine.TimeMajorRnnImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Keras' {@code SimpleRNN} (TensorFlow 2 defaults) as a fast DL4J layer returning the whole sequence: with
 * {@code x} the input of a step and {@code h} the previous state, {@code h' = tanh(x·W + h·RW + b)}, which is also
 * the step's output. It computes the same function as DL4J's {@code SimpleRnn} with tanh, on the same parameter
 * keys: {@code W} = kernel {@code [nIn, units]}, {@code RW} = recurrent_kernel {@code [units, units]},
 * {@code b} = bias {@code [units]}; {@code SimpleRNN(20)} on one input has 20 + 400 + 20 = 440.
 *
 * <p>Why it exists: at the chapter's sizes DL4J's {@code SimpleRnn} spends its time in per-op overhead (and
 * recomputes the forward pass in backprop); this layer runs on recorded op tapes ({@link OpTape}), computes the
 * input products for all steps in one matrix product and only the recurrence per step.
 *
 * <p>Initialisation as Keras (and as the chapter configured DL4J's layer): Glorot-uniform kernel (the builder's
 * {@code weightInit}, {@code XAVIER_UNIFORM} by default), orthogonal recurrent kernel, zero bias. The kernel's
 * random draws are laid out column by column as in DL4J's {@code SimpleRnn}, so a network seed gives this layer
 * the starting weights it gave DL4J's. To keep only the last step, wrap it in DL4J's {@code LastTimeStep}. Only
 * tanh is supported; masks are not.
 *
 * <p>Dropout as Keras' {@code SimpleRNN(dropout=..., recurrent_dropout=...)}: {@link Builder#inputDropout(double)}
 * and {@link Builder#recurrentDropout(double)} give each sample its own masks over the step input and over the
 * previous state ({@code h' = tanh((x ⊙ m)·W + (h ⊙ r)·RW + b)}), drawn once per sequence, in training and MC
 * Dropout only (see {@link CustomRecurrentLayer}). DL4J's input dropout ({@code setIDropout}, a mask per step) and
 * weight noise (e.g. {@link RecurrentDropConnect} on {@code RW}, one mask per batch) also apply, as in DL4J's layers.
 */
public final class KerasSimpleRnn extends CustomRecurrentLayer {
    private static final long serialVersionUID = 1L;
    /** Key of the kernel, {@code [nIn, units]}. */
    public static final String KERNEL = "W";
    /** Key of the recurrent kernel, {@code [units, units]}. */
    public static final String RECURRENT_KERNEL = RecurrentDropConnect.RECURRENT_WEIGHTS;
    /** Key of the bias, {@code [units]}. */
    public static final String BIAS = "b";

    private KerasSimpleRnn() {
    }

    private KerasSimpleRnn(Builder builder) {
        super(builder);
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        long units = getNOut();
        return List.of(
                new ParamSpec(KERNEL, new long[] {getNIn(), units}, ParamSpec.Kind.KERNEL),
                new ParamSpec(RECURRENT_KERNEL, new long[] {units, units}, ParamSpec.Kind.RECURRENT_KERNEL),
                new ParamSpec(BIAS, new long[] {units}, ParamSpec.Kind.BIAS));
    }

    @Override
    protected char drawOrder(ParamSpec spec) {
        return 'f'; // DL4J's SimpleRnn initialises its 'f'-order kernels: same seed, same weights
    }

    /** 1: Keras' dropout masks, one mask over the input, one over the state. */
    @Override
    public int dropoutGates() {
        return 1;
    }

    @Override
    protected TimeMajorRnnImpl<?> createImpl(NeuralNetConfiguration conf, DataType dataType) {
        return new KerasSimpleRnnImpl(conf, dataType);
    }

    @Override
    public KerasSimpleRnn clone() {
        return (KerasSimpleRnn) super.clone();
    }

    /** Builds a {@link KerasSimpleRnn}; set at least {@code nOut} (the number of units). */
    public static final class Builder extends CustomRecurrentLayer.Builder<Builder> {
        /** A builder with Keras' defaults. */
        public Builder() {
        }

        @Override
        @SuppressWarnings("unchecked")
        public KerasSimpleRnn build() {
            return new KerasSimpleRnn(this);
        }
    }
}
