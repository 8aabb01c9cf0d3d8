package io.github.seqbook.layers;

import java.util.List;
import java.util.Map;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import io.github.seqbook.layers.engine.KerasLstmImpl;
import io.github.seqbook.layers.engine.OpTape;
import io.github.seqbook.layers.engine.ParamSpec;
import io.github.seqbook.layers.engine.TimeMajorRnnImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras' {@code LSTM} (TensorFlow 2 defaults) as a fast DL4J layer returning the whole sequence. With {@code x} the
 * input of a step, {@code h} and {@code c} the previous output and cell state:
 * <pre>
 *   [i, f, g, o] = x·W + h·RW + b                       four blocks of units, Keras' gate order (i, f, c, o)
 *   c' = sigmoid(f) ⊙ c + sigmoid(i) ⊙ tanh(g)
 *   h' = sigmoid(o) ⊙ tanh(c')                           the step's output
 * </pre>
 * Parameters in Keras' shapes and order: {@code W} = kernel {@code [nIn, 4 units]}, {@code RW} = recurrent_kernel
 * {@code [units, 4 units]}, {@code b} = bias {@code [4 units]}; {@code LSTM(20)} on one input has
 * 80 + 1600 + 80 = 1760. It computes the same function as DL4J's {@code LSTM} with tanh and sigmoid gates (no
 * peepholes), whose gate blocks are ordered (g, f, o, i) instead.
 *
 * <p>Why it exists: at the chapter's sizes (20 units, batches of 32) DL4J's LSTM spends nearly all its time in
 * per-op overhead; this layer runs on recorded op tapes ({@link OpTape}), computes the input products for all steps in
 * one matrix product and only the recurrence per step.
 *
 * <p>Initialisation as Keras: Glorot-uniform kernel with Keras' fans ({@link KerasGlorotUniform}), orthogonal
 * recurrent kernel, zero bias except the forget gate's, 1 ({@code unit_forget_bias}; see
 * {@link Builder#forgetGateBiasInit}). The random draws are laid out as DL4J's LSTM lays out its gates and then
 * moved into Keras' order (the distribution is the same either way), so a network seed gives this layer the gates
 * it gave DL4J's LSTM. {@code rnnTimeStep} keeps the output under key {@code "h"} and the cell state under
 * {@code "c"}. Only tanh (activation) and sigmoid (recurrent activation) are supported; masks are not.
 *
 * <p>Dropout as Keras' {@code LSTM(dropout=..., recurrent_dropout=...)} (see {@link CustomRecurrentLayer}): per
 * sample and sequence, on the input and on the previous output {@code h} (never on the cell state); under
 * recurrent dropout each gate (i, f, c, o) gets its own masks, as Keras 2's {@code implementation=1}. DL4J's input
 * dropout and weight noise (e.g. {@link RecurrentDropConnect}) also apply, as in DL4J's layers.
 */
public final class KerasLstm extends CustomRecurrentLayer {
    private static final long serialVersionUID = 1L;
    /** Key of the kernel, {@code [nIn, 4 units]}. */
    public static final String KERNEL = "W";
    /** Key of the recurrent kernel, {@code [units, 4 units]}. */
    public static final String RECURRENT_KERNEL = RecurrentDropConnect.RECURRENT_WEIGHTS;
    /** Key of the bias, {@code [4 units]}. */
    public static final String BIAS = "b";
    /** Key of the cell state in the {@code rnnTimeStep} state map (the output is under {@code "h"}). */
    public static final String CELL_STATE_KEY = "c";
    /** Keras' {@code unit_forget_bias=True}: the forget gate's bias starts at 1. */
    public static final double KERAS_FORGET_GATE_BIAS = 1.0;

    /** For gate block {@code k} of Keras' order (i, f, c, o), its block in DL4J's LSTM order (g, f, o, i). */
    private static final int[] DL4J_BLOCK_OF_KERAS_BLOCK = {3, 1, 0, 2};

    private double forgetGateBiasInit = KERAS_FORGET_GATE_BIAS;

    private KerasLstm() {
    }

    private KerasLstm(Builder builder) {
        super(builder);
        this.forgetGateBiasInit = builder.forgetGateBiasInit;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        long units = getNOut();
        return List.of(
                new ParamSpec(KERNEL, new long[] {getNIn(), 4 * units}, ParamSpec.Kind.KERNEL),
                new ParamSpec(RECURRENT_KERNEL, new long[] {units, 4 * units}, ParamSpec.Kind.RECURRENT_KERNEL),
                new ParamSpec(BIAS, new long[] {4 * units}, ParamSpec.Kind.BIAS));
    }

    @Override
    protected char drawOrder(ParamSpec spec) {
        return 'f'; // as DL4J's LSTM
    }

    @Override
    protected void finishInitialisation(Map<String, INDArray> params) {
        int u = Math.toIntExact(getNOut());
        toKerasGateOrder(params.get(KERNEL), u);
        toKerasGateOrder(params.get(RECURRENT_KERNEL), u);
        params.get(BIAS).get(NDArrayIndex.interval(u, 2 * u)).assign(forgetGateBiasInit);
    }

    /** Moves the column blocks of {@code w} from DL4J's LSTM gate order to Keras'. */
    private static void toKerasGateOrder(INDArray w, int u) {
        INDArray dl4jOrder = w.dup();
        for (int k = 0; k < 4; k++) {
            int from = DL4J_BLOCK_OF_KERAS_BLOCK[k] * u;
            w.get(NDArrayIndex.all(), NDArrayIndex.interval(k * u, (k + 1) * u))
                    .assign(dl4jOrder.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + u)));
        }
    }

    /** 4: Keras' dropout masks, four masks each (gates i, f, c, o) under recurrent dropout. */
    @Override
    public int dropoutGates() {
        return 4;
    }

    @Override
    protected TimeMajorRnnImpl<?> createImpl(NeuralNetConfiguration conf, DataType dataType) {
        return new KerasLstmImpl(conf, dataType);
    }

    /** The initial bias of the forget gate. */
    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    /** Sets the initial bias of the forget gate (for JSON deserialization). */
    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    @Override
    public KerasLstm clone() {
        return (KerasLstm) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof KerasLstm other && other.forgetGateBiasInit == forgetGateBiasInit;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(forgetGateBiasInit);
    }

    /** Builds a {@link KerasLstm}; set at least {@code nOut} (the number of units). */
    public static final class Builder extends CustomRecurrentLayer.Builder<Builder> {
        private double forgetGateBiasInit = KERAS_FORGET_GATE_BIAS;

        /** A builder with Keras' defaults (kernel: {@link KerasGlorotUniform}). */
        public Builder() {
            weightInit(new KerasGlorotUniform());
        }

        /** Initial bias of the forget gate: 1 as Keras' {@code unit_forget_bias=True}, 0 as {@code False}. */
        public Builder forgetGateBiasInit(double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("forgetGateBiasInit must be finite, got " + value);
            }
            this.forgetGateBiasInit = value;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public KerasLstm build() {
            return new KerasLstm(this);
        }
    }
}
