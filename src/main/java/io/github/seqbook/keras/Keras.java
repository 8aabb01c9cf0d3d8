package io.github.seqbook.keras;

import java.util.Arrays;

import io.github.seqbook.Require;
import io.github.seqbook.data.Split;
import io.github.seqbook.layers.LayerNormSimpleRnnCell;
import io.github.seqbook.layers.RecurrentCell;
import io.github.seqbook.models.Models;
import io.github.seqbook.training.Metric;
import io.github.seqbook.training.Metrics;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The Keras-shaped model API, one static import away ({@code import static io.github.seqbook.keras.Keras.*;}), so
 * that a notebook cell shows a model as the book's code does:
 * <pre>{@code
 * var model = sequential(input(ANY_LENGTH, 1),
 *         simpleRnn(20).returnSequences(true),
 *         simpleRnn(20).returnSequences(true),
 *         timeDistributed(dense(10)));
 * model.compile(adam(0.01), mse(), lastTimeStepMse());
 * System.out.print(model.summary());
 * History history = model.fit(data.train(), data.valid(), 20);
 * }</pre>
 * Layers take Keras' names and defaults (activations by name: {@code "relu"}); optimizers, losses and metrics too.
 * Shapes are the book's: inputs {@code [batch, steps, features]}, outputs {@code [batch, units]} or
 * {@code [batch, steps, units]}. The networks are DL4J's, built on this library's fast recurrent layers, and equal
 * (same parameters for the same seed) to the chapter's builders in {@link Models}, which are written with this API.
 */
public final class Keras {
    /** Keras' {@code None} for the number of steps: sequences of any length. */
    public static final int ANY_LENGTH = Shape.ANY_LENGTH;

    private Keras() {
    }

    // ---- models ---------------------------------------------------------------------------------------------------

    /**
     * Keras' {@code Input(shape=[steps, features])}: a model's input, sequences {@code [batch, steps, features]}.
     *
     * @param steps    time steps, or {@link #ANY_LENGTH} (Keras' {@code None}) when any length may come; Flatten needs
     *                 it known
     * @param features values per step, at least 1
     */
    public static Tensor input(int steps, int features) {
        if (steps != ANY_LENGTH) {
            Require.positive("steps", steps);
        }
        Require.positive("features", features);
        return new Tensor(null, java.util.List.of(), Shape.ofSequence(steps, features));
    }

    /** Keras' {@code Sequential([Input(...), layers...])}. */
    public static Sequential sequential(Tensor input, Layer... layers) {
        Require.notNull("layers", layers);
        return new Sequential(input, Arrays.asList(layers));
    }

    /** Keras' {@code Model(inputs=input, outputs=output)} over layers called on tensors ({@link Layer#apply}). */
    public static Functional model(Tensor input, Tensor output) {
        return new Functional(input, output);
    }

    /** Keras' {@code model.summary()}; see {@link KerasModel#summary()}. */
    public static String summary(KerasModel model) {
        return Require.notNull("model", model).summary();
    }

    /** Keras' {@code model.evaluate(X, y)}; see {@link KerasModel#evaluate(Split)}. */
    public static Scores evaluate(KerasModel model, Split split) {
        return Require.notNull("model", model).evaluate(split);
    }

    // ---- layers ---------------------------------------------------------------------------------------------------

    /** Keras' {@code Dense(units)}, linear unless {@link Dense#activation(String)} says otherwise. */
    public static Dense dense(int units) {
        return new Dense(units);
    }

    /** Keras' {@code Dense(units, activation=name)}. */
    public static Dense dense(int units, String activation) {
        return new Dense(units).activation(activation);
    }

    /** Keras' {@code Flatten()}. */
    public static Flatten flatten() {
        return new Flatten();
    }

    /** Keras' {@code SimpleRNN(units)} (tanh), returning the last step unless {@code returnSequences(true)}. */
    public static Recurrent simpleRnn(int units) {
        return new Recurrent(Recurrent.Kind.SIMPLE_RNN, units, null);
    }

    /** Keras' {@code LSTM(units)}. */
    public static Recurrent lstm(int units) {
        return new Recurrent(Recurrent.Kind.LSTM, units, null);
    }

    /** Keras' {@code GRU(units)} (TF 2: {@code reset_after=True}). */
    public static Recurrent gru(int units) {
        return new Recurrent(Recurrent.Kind.GRU, units, null);
    }

    /**
     * Keras' {@code RNN(cell)}: a recurrent layer over a cell. With the book's {@link #lnSimpleRnnCell} it runs as one
     * fused layer ({@link io.github.seqbook.layers.LayerNormSimpleRnn}); other cells run in an explicit loop.
     */
    public static Recurrent rnn(RecurrentCell cell) {
        Require.notNull("cell", cell);
        return new Recurrent(Recurrent.Kind.RNN, cell.units(), cell);
    }

    /** The book's {@code MyRNN(cell)}: an explicit loop over time steps ({@link io.github.seqbook.layers.RecurrentLoop}). */
    public static Recurrent myRnn(RecurrentCell cell) {
        Require.notNull("cell", cell);
        return new Recurrent(Recurrent.Kind.MY_RNN, cell.units(), cell);
    }

    /** The book's {@code LNSimpleRNNCell(units)}: a SimpleRNN cell with layer normalization before its tanh. */
    public static LayerNormSimpleRnnCell lnSimpleRnnCell(int units) {
        return new LayerNormSimpleRnnCell(Require.positive("units", units));
    }

    /** Keras' {@code TimeDistributed(layer)} (of a {@link Dense} layer). */
    public static TimeDistributed timeDistributed(Layer layer) {
        return new TimeDistributed(layer);
    }

    /**
     * Keras' {@code Conv1D(filters, kernel_size)}; set {@code strides}, {@code padding}, {@code dilationRate},
     * {@code activation} on the result.
     */
    public static Conv1D conv1d(int filters, int kernelSize) {
        return new Conv1D(filters, kernelSize);
    }

    /** Keras' {@code BatchNormalization()}. */
    public static BatchNormalization batchNormalization() {
        return new BatchNormalization();
    }

    /** Keras' {@code LayerNormalization()} over the last axis (epsilon 1e-3). */
    public static LayerNormalization layerNormalization() {
        return new LayerNormalization();
    }

    /** Keras' {@code Dropout(rate)}. */
    public static Dropout dropout(double rate) {
        return new Dropout(rate);
    }

    /** Keras' {@code Embedding(input_dim, output_dim)}. */
    public static Embedding embedding(int inputDim, int outputDim) {
        return new Embedding(inputDim, outputDim);
    }

    /** Keras' {@code Activation(name)} layer, e.g. {@code activation("relu")}. */
    public static ActivationLayer activation(String name) {
        return new ActivationLayer(name);
    }

    /** Keras' {@code Add()([a, b, ...])} for residual and skip connections (functional models). */
    public static Tensor add(Tensor... inputs) {
        return new Add().apply(inputs);
    }

    /** Keras' {@code Add(name=name)([a, b, ...])}. */
    public static Tensor add(String name, Tensor... inputs) {
        return new Add().name(name).apply(inputs);
    }

    /** The book's {@code GatedActivationUnit()} (WaveNet), for functional models. */
    public static GatedActivationUnit gatedActivationUnit() {
        return new GatedActivationUnit();
    }

    // ---- optimizers -----------------------------------------------------------------------------------------------

    /** Keras' {@code Adam()}: learning rate 0.001, beta 0.9 / 0.999, epsilon 1e-7. */
    public static Optimizer adam() {
        return adam(Models.KERAS_ADAM_LR);
    }

    /** Keras' {@code Adam(learning_rate=lr)}. */
    public static Optimizer adam(double learningRate) {
        Require.positive("learningRate", learningRate);
        return new Optimizer("Adam(learning_rate=" + learningRate + ")",
                new Adam(learningRate, 0.9, 0.999, Models.KERAS_ADAM_EPSILON));
    }

    /**
     * Keras' {@code Nadam()}: learning rate 0.001, beta 0.9 / 0.999, epsilon 1e-7. DL4J's Nadam has no momentum
     * schedule (Keras' {@code schedule_decay} 0.004), so its first steps differ slightly from Keras'.
     */
    public static Optimizer nadam() {
        return nadam(Models.KERAS_ADAM_LR);
    }

    /** Keras' {@code Nadam(learning_rate=lr)}; see {@link #nadam()}. */
    public static Optimizer nadam(double learningRate) {
        Require.positive("learningRate", learningRate);
        return new Optimizer("Nadam(learning_rate=" + learningRate + ")",
                new Nadam(learningRate, 0.9, 0.999, Models.KERAS_ADAM_EPSILON));
    }

    /** Keras' {@code SGD()}: learning rate 0.01, no momentum. */
    public static Optimizer sgd() {
        return sgd(0.01);
    }

    /** Keras' {@code SGD(learning_rate=lr)}. */
    public static Optimizer sgd(double learningRate) {
        Require.positive("learningRate", learningRate);
        return new Optimizer("SGD(learning_rate=" + learningRate + ")", new Sgd(learningRate));
    }

    /** Keras' {@code SGD(learning_rate=lr, momentum=m)} (classical momentum, {@link SgdMomentum}). */
    public static Optimizer sgd(double learningRate, double momentum) {
        return sgd(learningRate, momentum, false);
    }

    /** Keras' {@code SGD(learning_rate=lr, momentum=m, nesterov=...)}; Nesterov momentum is DL4J's {@code Nesterovs}. */
    public static Optimizer sgd(double learningRate, double momentum, boolean nesterov) {
        Require.positive("learningRate", learningRate);
        Require.inRange("momentum", momentum, 0.0, 0.999999);
        String d = "SGD(learning_rate=" + learningRate + ", momentum=" + momentum + (nesterov ? ", nesterov=True" : "")
                + ")";
        if (momentum == 0) {
            return new Optimizer(d, new Sgd(learningRate));
        }
        return new Optimizer(d, nesterov ? new Nesterovs(learningRate, momentum) : new SgdMomentum(learningRate, momentum));
    }

    // ---- losses and metrics ---------------------------------------------------------------------------------------

    /** Keras' {@code loss="mse"} (also usable as the metric {@code "mse"}). */
    public static Loss mse() {
        return Loss.mse();
    }

    /** Keras' {@code loss="mae"} (also usable as the metric {@code "mae"}). */
    public static Loss mae() {
        return Loss.mae();
    }

    /** Keras' {@code Huber()} loss, delta 1.0. */
    public static Loss huber() {
        return Loss.huber(1.0);
    }

    /** Keras' {@code Huber(delta)} loss. */
    public static Loss huber(double delta) {
        return Loss.huber(delta);
    }

    /**
     * Keras' {@code loss="sparse_categorical_crossentropy"}: targets hold class indices ({@code [batch, 1]} or
     * {@code [batch, steps, 1]}), the last layer outputs probabilities ({@code activation("softmax")}).
     */
    public static Loss sparseCategoricalCrossentropy() {
        return Loss.sparseCategoricalCrossentropy();
    }

    /** The book's {@code last_time_step_mse} metric for sequence-to-sequence targets. */
    public static Metric lastTimeStepMse() {
        return Metrics.LAST_TIME_STEP_MSE;
    }

    /** Keras' {@code "accuracy"} for class-index targets; see {@link Metrics#ACCURACY}. */
    public static Metric accuracy() {
        return Metrics.ACCURACY;
    }
}
