package io.github.seqbook.layers;

import java.util.Collection;

import io.github.seqbook.Require;
import io.github.seqbook.layers.engine.SequenceOutputLayerImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code Dense(units)} applied at every step of a sequence as a model's output, with the loss (the book's
 * sequence-to-sequence models, "Forecasting Several Steps Ahead"): DL4J's {@code RnnOutputLayer}, the same
 * configuration (and JSON fields), parameters and values bit for bit, that reads a time-major input in place.
 *
 * <p>For an input {@code [batch, nIn, steps]} (NCW) DL4J's layer works on the {@code [steps * batch, nIn]} matrix
 * whose row {@code t * batch + n} is step {@code t} of sequence {@code n}, and copies the input into that matrix,
 * twice per training batch (for the gradients and again for the score), and copies dL/d input back. The library's
 * recurrent and convolution layers hand over their outputs time-major ({@code [steps, batch, nIn]} memory), which is
 * that matrix already; {@link SequenceOutputLayerImpl} uses it as it is and returns dL/d input time-major too. Any
 * other input, masks, dropout or weight noise take DL4J's code unchanged.
 */
public final class SequenceOutputLayer extends RnnOutputLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public SequenceOutputLayer() {
    }

    /** The drop-in for a DL4J {@code RnnOutputLayer} configuration: a copy of {@code conf}. */
    public static SequenceOutputLayer of(RnnOutputLayer conf) {
        Require.notNull("conf", conf);
        // DL4J's RnnOutputLayer has only a private constructor from its builder: copy every configured field.
        return DropInConfiguration.copy(RnnOutputLayer.class, conf, new SequenceOutputLayer(), "RNN output layer");
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("SequenceOutputLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return DropInConfiguration.wire(new SequenceOutputLayerImpl(conf, networkDataType), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceOutputLayer && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + SequenceOutputLayer.class.hashCode();
    }

    @Override
    public SequenceOutputLayer clone() {
        return (SequenceOutputLayer) super.clone();
    }

    @Override
    public String toString() {
        return "SequenceOutputLayer(" + super.toString() + ")";
    }
}
