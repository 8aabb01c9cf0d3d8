package io.github.seqbook.layers;

import java.util.Collection;

import io.github.seqbook.Require;
import io.github.seqbook.layers.engine.DenseOutputLayerImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code Dense(units)} as a model's output, with the loss, on {@code [batch, features]} (after
 * {@code Flatten}, or a recurrent layer's last step): DL4J's {@code OutputLayer}, the same configuration (and JSON
 * fields), parameters and values bit for bit, with a cheaper training pass ({@link DenseOutputLayerImpl}): DL4J
 * computes the pre-output twice per batch (for the gradients and again for the score), each time through ND4J's
 * matrix-product op and a per-element copy, which costs as much as the recurrent layer before it on the chapter's
 * small models.
 */
public final class DenseOutputLayer extends OutputLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public DenseOutputLayer() {
    }

    /** The drop-in for a DL4J {@code OutputLayer} configuration: a copy of {@code conf}. */
    public static DenseOutputLayer of(OutputLayer conf) {
        Require.notNull("conf", conf);
        // DL4J's OutputLayer has only a private constructor from its builder: copy every configured field.
        return DropInConfiguration.copy(OutputLayer.class, conf, new DenseOutputLayer(), "output layer");
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("DenseOutputLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return DropInConfiguration.wire(new DenseOutputLayerImpl(conf, networkDataType), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseOutputLayer && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + DenseOutputLayer.class.hashCode();
    }

    @Override
    public DenseOutputLayer clone() {
        return (DenseOutputLayer) super.clone();
    }

    @Override
    public String toString() {
        return "DenseOutputLayer(" + super.toString() + ")";
    }
}
