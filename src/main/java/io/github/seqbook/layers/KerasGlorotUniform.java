package io.github.seqbook.layers;

import java.util.Arrays;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras' {@code glorot_uniform} (the default kernel initializer of {@code Dense}, {@code Conv1D} and the input
 * kernels of recurrent layers): {@code U(-l, l)} with {@code l = sqrt(6 / (fan_in + fan_out))}, the fans computed
 * from the kernel's shape as Keras does.
 *
 * <p>DL4J's LSTM passes {@code (units, inputs + units)} as fans for its {@code [inputs, 4 units]} input kernel: for
 * {@code LSTM(20)} on one input that is a limit of 0.38 instead of Keras' 0.27.
 *
 * <p>DL4J's {@code XAVIER_UNIFORM} computes the fans of a convolution differently: for
 * {@code Convolution1DLayer} it counts the kernel length twice and divides {@code fan_out} by the square of the
 * stride (measured: the limit of {@code Conv1D(200, kernel 4)} on one channel is half of Keras' at stride 1,
 * Keras' at stride 2 and larger at stride 4). This initializer ignores the fans DL4J passes and uses the shape:
 * <ul>
 *   <li>rank 2, {@code [in, out]} (dense and recurrent input kernels): {@code fan_in = in}, {@code fan_out = out};</li>
 *   <li>rank 4, DL4J's convolution kernel {@code [out, in, kH, kW]}: {@code fan_in = in * kH * kW},
 *       {@code fan_out = out * kH * kW}.</li>
 * </ul>
 */
public final class KerasGlorotUniform implements IWeightInit {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        double limit = limit(shape);
        // Draw from ND4J's generator so a configuration seed makes the weights reproducible.
        INDArray values = Nd4j.rand(paramView.dataType(), shape).muli(2 * limit).subi(limit);
        INDArray view = paramView.reshape(order, shape);
        view.assign(values);
        return view;
    }

    /** The bound {@code sqrt(6 / (fan_in + fan_out))} Keras uses for a kernel of this DL4J shape. */
    public static double limit(long[] shape) {
        double[] fans = kerasFans(shape);
        return Math.sqrt(6.0 / (fans[0] + fans[1]));
    }

    /** Keras' {@code (fan_in, fan_out)} for a DL4J kernel shape (see the class comment). */
    static double[] kerasFans(long[] shape) {
        if (shape.length == 2) {
            return new double[] {shape[0], shape[1]};
        }
        if (shape.length == 4) {
            double receptive = (double) shape[2] * shape[3];
            return new double[] {shape[1] * receptive, shape[0] * receptive};
        }
        throw new IllegalArgumentException("KerasGlorotUniform supports [in, out] and [out, in, kH, kW] kernels, got "
                + Arrays.toString(shape));
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
