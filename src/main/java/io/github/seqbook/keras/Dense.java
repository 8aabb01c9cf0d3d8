package io.github.seqbook.keras;

import io.github.seqbook.Require;
import io.github.seqbook.layers.DenseOutputLayer;
import io.github.seqbook.layers.SequenceOutputLayer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.weights.WeightInit;

/**
 * Keras' {@code Dense(units, activation=None)}: {@code activation(x·W + b)} with a Glorot-uniform kernel and a zero
 * bias, {@code units(n + 1)} parameters on {@code n} inputs. On a sequence {@code [batch, steps, n]} it applies to
 * every step, as Keras does (the same as {@code TimeDistributed(Dense(units))}). As a model's last layer it becomes
 * DL4J's output layer holding the loss ({@code OutputLayer} as {@link DenseOutputLayer}, or on sequences {@code RnnOutputLayer} as
 * {@link SequenceOutputLayer}).
 */
public final class Dense extends Layer {
    private final int units;
    private String activation = "linear";

    Dense(int units) {
        this.units = Require.positive("units", units);
    }

    /** Keras' {@code activation}: {@code "linear"} (the default), {@code "relu"}, {@code "tanh"}, {@code "softmax"}, ... */
    public Dense activation(String activation) {
        this.activation = Activations.check(activation);
        return this;
    }

    /** The number of units. */
    public int units() {
        return units;
    }

    @Override
    public String kerasClass() {
        return "Dense";
    }

    @Override
    String nameStem() {
        return "dense";
    }

    @Override
    Shape outputShape(Shape input) {
        return input.withFeatures(units);
    }

    @Override
    Built build(Shape input) {
        DenseLayer dense = new DenseLayer.Builder().nOut(units).activation(Activations.of(activation))
                .weightInit(WeightInit.XAVIER_UNIFORM).biasInit(0.0).build();
        return Built.of(input.sequence() ? new TimeDistributed(dense, RNNFormat.NCW) : dense);
    }

    @Override
    Built buildOutput(Shape input, Loss loss) {
        if (input.sequence()) {
            return Built.of(SequenceOutputLayer.of(new RnnOutputLayer.Builder(loss.function()).nOut(units)
                    .activation(Activations.of(activation)).weightInit(WeightInit.XAVIER_UNIFORM)
                    .dataFormat(RNNFormat.NCW).build()));
        }
        return Built.of(DenseOutputLayer.of(new OutputLayer.Builder(loss.function()).nOut(units)
                .activation(Activations.of(activation)).weightInit(WeightInit.XAVIER_UNIFORM).build()));
    }

    @Override
    public String toString() {
        return "Dense(" + units + (activation.equals("linear") ? "" : ", activation=" + activation) + ")";
    }
}
