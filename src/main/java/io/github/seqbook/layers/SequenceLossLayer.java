package io.github.seqbook.layers;

import java.util.Collection;

import io.github.seqbook.Require;
import io.github.seqbook.layers.engine.SequenceLossLayerImpl;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loss of a model whose last layer is a convolution over a sequence (the book's WaveNets: Keras' {@code loss} on
 * a {@code Conv1D}'s output, its activation applied here): DL4J's {@code RnnLossLayer}, the same configuration (and
 * JSON fields) and values bit for bit, with a cheaper training pass ({@link SequenceLossLayerImpl}). DL4J copies its
 * input and labels into {@code [steps * batch, size]} matrices twice per batch (for the gradient and again for the
 * score), through ND4J's per-element path for the time-major arrays {@link CausalConv1D} returns.
 */
public final class SequenceLossLayer extends RnnLossLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public SequenceLossLayer() {
    }

    /** The drop-in for a DL4J {@code RnnLossLayer} configuration: a copy of {@code conf}. */
    public static SequenceLossLayer of(RnnLossLayer conf) {
        Require.notNull("conf", conf);
        return DropInConfiguration.copy(RnnLossLayer.class, conf, new SequenceLossLayer(), "RNN loss layer");
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        return DropInConfiguration.wire(new SequenceLossLayerImpl(conf, networkDataType), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceLossLayer && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + SequenceLossLayer.class.hashCode();
    }

    @Override
    public SequenceLossLayer clone() {
        return (SequenceLossLayer) super.clone();
    }

    @Override
    public String toString() {
        return "SequenceLossLayer(" + super.toString() + ")";
    }
}
