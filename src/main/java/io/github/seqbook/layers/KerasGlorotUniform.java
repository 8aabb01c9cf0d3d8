package io.github.seqbook.layers;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras' {@code glorot_uniform} with Keras' fans, taken from the kernel's shape ({@code [inputs, outputs]}: limit
 * {@code sqrt(6 / (inputs + outputs))}). DL4J's {@code XAVIER_UNIFORM} uses the fans the layer passes, and DL4J's
 * LSTM passes {@code (units, inputs + units)} for its {@code [inputs, 4 units]} kernel: for {@code LSTM(20)} on one
 * input that is a limit of 0.38 instead of Keras' 0.27.
 */
public final class KerasGlorotUniform implements IWeightInit {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        // Keras: the last axis is fan_out, the one before fan_in, times the receptive field for >2-D kernels.
        double receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            receptive *= shape[i];
        }
        double in = shape.length == 1 ? shape[0] : shape[shape.length - 2] * receptive;
        double out = shape[shape.length - 1] * receptive;
        double limit = Math.sqrt(6.0 / (in + out));
        INDArray view = paramView.reshape(order, shape);
        Nd4j.rand(view, Nd4j.getDistributions().createUniform(-limit, limit));
        return view;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KerasGlorotUniform;
    }

    @Override
    public int hashCode() {
        return KerasGlorotUniform.class.hashCode();
    }

    @Override
    public String toString() {
        return "KerasGlorotUniform()";
    }
}
