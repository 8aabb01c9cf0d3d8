package io.github.seqbook.layers;

import java.util.Collection;

import io.github.seqbook.Require;
import io.github.seqbook.layers.engine.ElementWiseActivationLayerImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code Activation(...)} layer (the original WaveNet's ReLU over the summed skip connections): DL4J's
 * {@code ActivationLayer}, the same configuration (and JSON fields) and values bit for bit, that keeps its input's
 * memory layout. DL4J's layer copies its input to c or f order and differentiates against dL/d output in another
 * layout, both through ND4J's per-element path when the input is a time-major array seen as
 * {@code [batch, channels, steps]} (what {@link CausalConv1D} returns); for functions that work value by value (ReLU,
 * tanh, sigmoid, ...) {@link ElementWiseActivationLayerImpl} computes on contiguous views of that layout instead.
 * Softmax and the rest are DL4J's code unchanged.
 */
public final class ElementWiseActivationLayer extends ActivationLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public ElementWiseActivationLayer() {
    }

    /** The drop-in for a DL4J {@code ActivationLayer} configuration: a copy of {@code conf}. */
    public static ElementWiseActivationLayer of(ActivationLayer conf) {
        Require.notNull("conf", conf);
        return DropInConfiguration.copy(ActivationLayer.class, conf, new ElementWiseActivationLayer(),
                "activation layer");
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        return DropInConfiguration.wire(new ElementWiseActivationLayerImpl(conf, networkDataType), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElementWiseActivationLayer && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + ElementWiseActivationLayer.class.hashCode();
    }

    @Override
    public ElementWiseActivationLayer clone() {
        return (ElementWiseActivationLayer) super.clone();
    }

    @Override
    public String toString() {
        return "ElementWiseActivationLayer(" + super.toString() + ")";
    }
}
