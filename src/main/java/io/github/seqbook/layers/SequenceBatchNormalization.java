package io.github.seqbook.layers;

import java.util.Collection;

import io.github.seqbook.Require;
import io.github.seqbook.layers.engine.SequenceBatchNormalizationImpl;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code BatchNormalization()} on a sequence (the book's "Fighting the Unstable Gradients Problem"): for
 * input {@code x} of {@code [batch, features, steps]} (NCW) each feature is normalized with the mean and (biased)
 * variance over batch and time together, {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}; at inference the
 * moving mean and variance replace the batch's. Output shape = input shape.
 *
 * <p>It computes what DL4J's {@code BatchNormalization} inside {@code TimeDistributed} computes (the project's former
 * sequence batch norm, {@code decay} = Keras' momentum): the same configuration (and JSON fields), the same
 * parameters in the same order with the same initial values ({@code gamma} = 1, {@code beta} = 0, moving
 * {@code mean} = 0, moving {@code var} = 1, each {@code [features]}: {@code 4 * features} values, as Keras counts
 * them), and the same moving-statistics update, which DL4J applies as a "gradient" of the moving statistics,
 * {@code (moving - batch) * (1 - decay)}, subtracted by a no-op updater after each training batch. Only the
 * computation differs ({@link SequenceBatchNormalizationImpl}): a handful of recorded ND4J ops instead of DL4J's
 * reshapes and a dozen ops per batch. Masks and the NWC layout are not supported; neither is DL4J's log10-std
 * parameterization nor locked gamma/beta.
 */
public final class SequenceBatchNormalization extends BatchNormalization {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public SequenceBatchNormalization() {
    }

    /**
     * Keras' {@code BatchNormalization()} defaults: momentum 0.99, epsilon 1e-3, gamma 1 and beta 0 to start.
     */
    public static SequenceBatchNormalization keras() {
        return of(new BatchNormalization.Builder().decay(0.99).eps(1e-3).useLogStd(false).build());
    }

    /**
     * The sequence layer for a DL4J batch normalization configuration: a copy of {@code conf} that computes, on
     * {@code [batch, features, steps]}, what {@code TimeDistributed(conf)} computes.
     *
     * @throws IllegalArgumentException when {@code conf} uses the log10-std parameterization or locked gamma/beta
     */
    public static SequenceBatchNormalization of(BatchNormalization conf) {
        Require.notNull("conf", conf);
        if (conf.isUseLogStd()) {
            throw new IllegalArgumentException("SequenceBatchNormalization keeps the moving variance: conf.useLogStd "
                    + "must be false, got true");
        }
        if (conf.isLockGammaBeta()) {
            throw new IllegalArgumentException("SequenceBatchNormalization learns gamma and beta: conf.lockGammaBeta "
                    + "must be false, got true");
        }
        // DL4J's BatchNormalization has only a private constructor from its builder: copy every configured field.
        return DropInConfiguration.copy(BatchNormalization.class, conf, new SequenceBatchNormalization(),
                "batch normalization");
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("SequenceBatchNormalization", getLayerName(), layerIndex, getNOut());
        return DropInConfiguration.wire(new SequenceBatchNormalizationImpl(conf, networkDataType), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    /** The recurrent (NCW) input type, checked. */
    private static InputType.InputTypeRecurrent sequenceInput(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeRecurrent r)) {
            throw new IllegalArgumentException("SequenceBatchNormalization needs a sequence input [batch, features, "
                    + "steps]: inputType must be recurrent, got " + inputType);
        }
        if (r.getFormat() != RNNFormat.NCW) {
            throw new IllegalArgumentException("SequenceBatchNormalization supports the NCW layout only: inputType "
                    + "format must be NCW, got " + r.getFormat());
        }
        return r;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeRecurrent r = sequenceInput(inputType);
        return InputType.recurrent(r.getSize(), r.getTimeSeriesLength(), RNNFormat.NCW);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeRecurrent r = sequenceInput(inputType);
        if (nIn <= 0 || override) {
            nIn = r.getSize();
            nOut = r.getSize();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        sequenceInput(inputType);
        return null; // works on [batch, features, steps] as it is
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceBatchNormalization && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + SequenceBatchNormalization.class.hashCode();
    }

    @Override
    public SequenceBatchNormalization clone() {
        return (SequenceBatchNormalization) super.clone();
    }

    @Override
    public String toString() {
        return "SequenceBatchNormalization(" + super.toString() + ")";
    }
}
