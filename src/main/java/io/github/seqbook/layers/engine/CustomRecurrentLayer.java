package io.github.seqbook.layers.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.github.seqbook.Require;
import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.KerasLstm;
import io.github.seqbook.layers.KerasSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.OrthogonalInit;
import io.github.seqbook.layers.RecurrentLoop;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration shared by the recurrent layers of {@code io.github.seqbook.layers} ({@link KerasSimpleRnn},
 * {@link KerasLstm}, {@link Gru}, {@link LayerNormSimpleRnn}, {@link RecurrentLoop}): a DL4J recurrent layer whose
 * parameters are listed as {@link ParamSpec}s (Keras' shapes and initialisation) and whose implementation keeps its
 * work arrays time-major (see {@link TimeMajorRnnImpl}).
 * Like DL4J's own layers they read and write {@code [batch, features, steps]} (NCW, the default) or
 * {@code [batch, steps, features]} (NWC) and return the whole sequence. Masks are not supported.
 *
 * <p>Keras' dropout ("Forecasting Several Time Steps Ahead", MC Dropout): the layers with {@link #dropoutGates()}
 * {@code > 0} ({@link KerasSimpleRnn}, {@link KerasLstm}, {@link Gru}) take Keras' {@code dropout} (here
 * {@link Builder#inputDropout(double)}) and {@code recurrent_dropout} ({@link Builder#recurrentDropout(double)}):
 * in training, and in MC Dropout's stochastic forward passes, each sample of the batch gets its own masks over the
 * step input and over the previous state, drawn once per sequence from ND4J's random generator and reused at every
 * step, values scaled by {@code 1 / (1 - rate)}; at inference no mask. As in Keras 2, the gated layers draw one
 * mask per gate for both when {@code recurrent_dropout > 0} (Keras' {@code implementation=1}) and one input mask
 * shared by the gates otherwise. DL4J's own {@code setIDropout} (one mask per element and step) and weight noise
 * still apply on top when set.
 */
public abstract class CustomRecurrentLayer extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    /** Keras' {@code dropout}: fraction of the step input dropped per sample, in [0, 1). */
    private double inputDropout;
    /** Keras' {@code recurrent_dropout}: fraction of the previous state dropped per sample, in [0, 1). */
    private double recurrentDropout;

    /** For JSON deserialization. */
    protected CustomRecurrentLayer() {
    }

    /** From a builder (the layer's sizes, initialisation, format and dropout rates). */
    protected CustomRecurrentLayer(Builder<?> builder) {
        super(builder);
        this.inputDropout = builder.inputDropout;
        this.recurrentDropout = builder.recurrentDropout;
    }

    /**
     * The number of gates whose products Keras masks separately under {@code recurrent_dropout} (1 for SimpleRNN, 4
     * for LSTM, 3 for GRU), or 0 for a layer without Keras' dropout (the default).
     */
    public int dropoutGates() {
        return 0;
    }

    /** Keras' {@code dropout}: the fraction of each sample's step inputs dropped in training (0: none). */
    public double getInputDropout() {
        return inputDropout;
    }

    /** Sets Keras' {@code dropout} (for JSON deserialization; builders check the range). */
    public void setInputDropout(double inputDropout) {
        this.inputDropout = inputDropout;
    }

    /** Keras' {@code recurrent_dropout}: the fraction of each sample's previous state dropped in training (0: none). */
    public double getRecurrentDropout() {
        return recurrentDropout;
    }

    /** Sets Keras' {@code recurrent_dropout} (for JSON deserialization; builders check the range). */
    public void setRecurrentDropout(double recurrentDropout) {
        this.recurrentDropout = recurrentDropout;
    }

    /** The layer's parameter arrays for its current {@code nIn} and {@code nOut}, in packing order. */
    public abstract List<ParamSpec> paramSpecs();

    /** The implementation object for a network (one {@code ...Impl} class of this package per layer). */
    protected abstract TimeMajorRnnImpl<?> createImpl(NeuralNetConfiguration conf, DataType dataType);

    /**
     * How the random draws of a kernel's initializer fill parameter {@code spec}: {@code 'c'}, row by row (the
     * default), or {@code 'f'}, column by column. A layer standing in for one of DL4J's own ({@code 'f'}-order)
     * layers returns {@code 'f'} so that the same seed gives it the same starting weights.
     */
    protected char drawOrder(ParamSpec spec) {
        return 'c';
    }

    /**
     * Adjusts freshly initialised parameters ({@code params}: c-order views by key), e.g. a bias that is not
     * uniform; called after every spec is initialised, never for loaded parameters. Does nothing by default.
     */
    protected void finishInitialisation(Map<String, INDArray> params) {
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        if (!(getActivationFn() instanceof ActivationTanH)) {
            // The implementations hard-code tanh (Keras' default); refuse anything else instead of ignoring it.
            throw new IllegalStateException(getClass().getSimpleName() + " supports only the tanh activation, got "
                    + getActivationFn());
        }
        if ((inputDropout > 0 || recurrentDropout > 0) && dropoutGates() == 0) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no Keras dropout (inputDropout="
                    + inputDropout + ", recurrentDropout=" + recurrentDropout + "); use KerasSimpleRnn, KerasLstm or Gru,"
                    + " or DL4J's setIDropout");
        }
        TimeMajorRnnImpl<?> layer = createImpl(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof CustomRecurrentLayer other && other.inputDropout == inputDropout
                && other.recurrentDropout == recurrentDropout;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + Double.hashCode(inputDropout)) + Double.hashCode(recurrentDropout);
    }

    @Override
    public ParamInitializer initializer() {
        return SpecParamInitializer.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, getOutputType(-1, inputType))
                .standardMemory(params, 2 * params)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    /**
     * Builder defaults of these layers: Keras' initialisation (Glorot-uniform kernels, orthogonal
     * recurrent kernels, zero biases), tanh, NCW.
     *
     * @param <T> the concrete builder
     */
    public abstract static class Builder<T extends Builder<T>> extends BaseRecurrentLayer.Builder<T> {
        private double inputDropout;
        private double recurrentDropout;

        /** A builder with Keras' defaults. */
        protected Builder() {
            weightInit(WeightInit.XAVIER_UNIFORM);
            weightInitRecurrent(new OrthogonalInit());
            activation(Activation.TANH);
            dataFormat(RNNFormat.NCW);
        }

        /**
         * Keras' {@code dropout}: the fraction, in [0, 1), of each sample's step inputs dropped in training, one mask
         * per sample and sequence (see the class comment). Not DL4J's {@code dropOut(p)}, whose argument is the
         * probability of keeping and which draws a mask per step.
         *
         * @throws IllegalArgumentException when {@code rate} is outside [0, 0.999]
         */
        @SuppressWarnings("unchecked")
        public T inputDropout(double rate) {
            this.inputDropout = Require.inRange("inputDropout", rate, 0.0, 0.999);
            return (T) this;
        }

        /**
         * Keras' {@code recurrent_dropout}: the fraction, in [0, 1), of each sample's previous state dropped before
         * the recurrent kernel in training, one mask per sample and sequence (see the class comment).
         *
         * @throws IllegalArgumentException when {@code rate} is outside [0, 0.999]
         */
        @SuppressWarnings("unchecked")
        public T recurrentDropout(double rate) {
            this.recurrentDropout = Require.inRange("recurrentDropout", rate, 0.0, 0.999);
            return (T) this;
        }
    }
}
