package io.github.seqbook.models;

import io.github.seqbook.Require;
import io.github.seqbook.layers.FlattenSequence;
import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.KerasGlorotUniform;
import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnnCell;
import io.github.seqbook.layers.OrthogonalInit;
import io.github.seqbook.layers.RecurrentDropConnect;
import io.github.seqbook.layers.RecurrentLoop;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * One builder per model of the chapter, each with the book's sizes, activations, initialisation
 * (Glorot-uniform kernels, orthogonal recurrent kernels, zero biases, as Keras) and optimizer
 * (Adam with Keras' defaults: lr 0.001, beta 0.9/0.999, epsilon 1e-7, unless the book sets a rate).
 *
 * <p>Every model reads a batch of univariate series in DL4J's NCW layout, {@code [batch, 1, steps]};
 * {@link io.github.seqbook.training.Training} converts the book's {@code [batch, steps, 1]} arrays for it.
 * Every builder returns an initialised network, seeded so that two calls give identical weights.
 */
public final class Models {
    /** The seed the book sets before each model ({@code tf.random.set_seed(42)}). */
    public static final long BOOK_SEED = 42;
    /** Keras' Adam epsilon (DL4J's default is 1e-8). */
    public static final double KERAS_ADAM_EPSILON = 1e-7;
    /** Keras' default learning rate for Adam. */
    public static final double KERAS_ADAM_LR = 1e-3;

    private Models() {
    }

    // ---- "Computing some baselines" -------------------------------------------------------------------------

    /**
     * The linear baseline: {@code Flatten(input_shape=[steps, 1])} then {@code Dense(outputs)}, trained with MSE.
     *
     * @param steps   input window length (50 in the book)
     * @param outputs values predicted at once (1, or 10 in "Forecasting several steps ahead")
     */
    public static MultiLayerNetwork linear(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                new OutputLayer.Builder(LossFunction.MSE).nOut(outputs).activation(Activation.IDENTITY)
                        .weightInit(WeightInit.XAVIER_UNIFORM).build()}, true);
    }

    // ---- "Implementing a Simple RNN" -------------------------------------------------------------------------

    /**
     * The simplest RNN: {@code SimpleRNN(1, input_shape=[None, 1])}, one tanh neuron whose last output is the
     * forecast, trained with Adam at the book's learning rate 0.005.
     *
     * @param steps input window length (used for the input type only)
     */
    public static MultiLayerNetwork simpleRnn(int steps) {
        Require.positive("steps", steps);
        return build(0.005, steps, BOOK_SEED, new Layer[] {
                new LastTimeStep(simpleRnnLayer(1)),
                mseLoss(1)}, false);
    }

    // ---- "Deep RNNs" -----------------------------------------------------------------------------------------

    /**
     * The book's first deep RNN: {@code SimpleRNN(20, return_sequences=True)}, {@code SimpleRNN(20,
     * return_sequences=True)}, {@code SimpleRNN(1)}; the last layer's final output is the forecast.
     *
     * @param steps input window length (used for the input type only)
     */
    public static MultiLayerNetwork deepSimpleRnn(int steps) {
        Require.positive("steps", steps);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                simpleRnnLayer(20),
                simpleRnnLayer(20),
                new LastTimeStep(simpleRnnLayer(1)),
                mseLoss(1)}, false);
    }

    /**
     * The deep RNN with a dense output: {@code SimpleRNN(20, return_sequences=True)}, {@code SimpleRNN(20)},
     * {@code Dense(outputs)}. With {@code outputs = 1} it is "Deep RNNs"' second model; with 10 it forecasts
     * the next 10 values at once ("Forecasting several steps ahead").
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values predicted at once
     */
    public static MultiLayerNetwork deepRnnDenseOutput(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                simpleRnnLayer(20),
                new LastTimeStep(simpleRnnLayer(20)),
                denseOutput(outputs)}, false);
    }

    // ---- "Sequence-to-sequence" ------------------------------------------------------------------------------

    /**
     * The sequence-to-sequence RNN: {@code SimpleRNN(20, return_sequences=True)} twice, then
     * {@code TimeDistributed(Dense(outputs))}, so that every time step forecasts the next {@code outputs}
     * values; Adam with the book's learning rate 0.01.
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step (10 in the book)
     */
    public static MultiLayerNetwork sequenceToSequenceRnn(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(0.01, steps, BOOK_SEED, new Layer[] {
                simpleRnnLayer(20),
                simpleRnnLayer(20),
                timeDistributedDense(outputs)}, false);
    }

    /**
     * The sequence-to-sequence RNN with dropout for MC Dropout: each {@code SimpleRNN(20)} drops 20% of its
     * inputs ({@code dropout=0.2}) and of its recurrent connections ({@code recurrent_dropout=0.2}, see
     * {@link RecurrentDropConnect}); Adam at 0.01 as the plain model. Dropout stays off in
     * {@link io.github.seqbook.training.Training#predict} and is switched on by
     * {@link io.github.seqbook.training.Forecasts#mcDropout}.
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step
     * @param rate    dropout rate for inputs and recurrent connections, in [0, 1)
     */
    public static MultiLayerNetwork sequenceToSequenceRnnWithDropout(int steps, int outputs, double rate) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        Require.inRange("rate", rate, 0.0, 0.999);
        return build(0.01, steps, BOOK_SEED, new Layer[] {
                withDropout(simpleRnnLayer(20), rate),
                withDropout(simpleRnnLayer(20), rate),
                timeDistributedDense(outputs)}, false);
    }

    private static SimpleRnn withDropout(SimpleRnn layer, double rate) {
        // DL4J's dropOut takes the probability of keeping an input.
        layer.setIDropout(new org.deeplearning4j.nn.conf.dropout.Dropout(1.0 - rate));
        layer.setWeightNoise(new RecurrentDropConnect(rate));
        return layer;
    }

    // ---- "Handling Long Sequences" ---------------------------------------------------------------------------
    // All five are the sequence-to-sequence model of the previous section with other recurrent layers: two
    // layers of 20 units returning sequences, then TimeDistributed(Dense(outputs)), Adam with Keras' lr 0.001.

    /**
     * The sequence-to-sequence RNN with batch normalization: {@code SimpleRNN(20, return_sequences=True)},
     * {@code BatchNormalization()}, {@code SimpleRNN(20, return_sequences=True)}, {@code BatchNormalization()},
     * {@code TimeDistributed(Dense(outputs))}. Each normalization is DL4J's, applied to every time step
     * (statistics over batch and time, as Keras on a 3-D input) with Keras' momentum and epsilon; see
     * {@link #kerasBatchNormalization()}.
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step (10 in the book)
     */
    public static MultiLayerNetwork deepRnnWithBatchNorm(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                simpleRnnLayer(20),
                kerasBatchNormalization(),
                simpleRnnLayer(20),
                kerasBatchNormalization(),
                timeDistributedDense(outputs)}, false);
    }

    /**
     * The book's layer-normalized RNN: {@code RNN(LNSimpleRNNCell(20), return_sequences=True)} twice, then
     * {@code TimeDistributed(Dense(outputs))}; see {@link LayerNormSimpleRnn}.
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step
     */
    public static MultiLayerNetwork layerNormRnn(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                new LayerNormSimpleRnn.Builder().nOut(20).build(),
                new LayerNormSimpleRnn.Builder().nOut(20).build(),
                timeDistributedDense(outputs)}, false);
    }

    /**
     * The book's custom RNN: {@code MyRNN(LNSimpleRNNCell(20), return_sequences=True)} twice, then
     * {@code TimeDistributed(Dense(outputs))}; {@link RecurrentLoop} is the explicit loop over time steps, so this
     * computes the same function as {@link #layerNormRnn} (and starts from the same weights).
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step
     */
    public static MultiLayerNetwork customRnn(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                new RecurrentLoop.Builder().cell(new LayerNormSimpleRnnCell(20)).build(),
                new RecurrentLoop.Builder().cell(new LayerNormSimpleRnnCell(20)).build(),
                timeDistributedDense(outputs)}, false);
    }

    /**
     * {@code LSTM(20, return_sequences=True)} twice, then {@code TimeDistributed(Dense(outputs))}; DL4J's LSTM
     * with Keras' initialisation ({@link #lstmLayer}).
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step
     */
    public static MultiLayerNetwork lstm(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                lstmLayer(20),
                lstmLayer(20),
                timeDistributedDense(outputs)}, false);
    }

    /**
     * {@code GRU(20, return_sequences=True)} twice, then {@code TimeDistributed(Dense(outputs))}; DL4J has no GRU
     * layer, {@link Gru} is Keras' (TensorFlow 2 defaults, {@code reset_after=True}).
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step
     */
    public static MultiLayerNetwork gru(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                new Gru.Builder().nOut(20).build(),
                new Gru.Builder().nOut(20).build(),
                timeDistributedDense(outputs)}, false);
    }

    // ---- building blocks -------------------------------------------------------------------------------------

    /** A Keras-initialised {@code SimpleRNN(units)} in NCW layout with tanh activation. */
    public static SimpleRnn simpleRnnLayer(int units) {
        return new SimpleRnn.Builder().nOut(units).activation(Activation.TANH)
                .weightInit(WeightInit.XAVIER_UNIFORM).weightInitRecurrent(new OrthogonalInit())
                .dataFormat(RNNFormat.NCW).build();
    }

    /**
     * Keras' {@code BatchNormalization()} after a recurrent layer: DL4J's batch normalization applied to every time
     * step ({@code TimeDistributed}; directly after an RNN it fails in DL4J 1.0.0-M2.1), with Keras' momentum 0.99,
     * epsilon 1e-3 and a moving variance (not DL4J's default log10 of the standard deviation). Gamma starts at 1,
     * beta at 0; 4 values per feature (gamma, beta, moving mean, moving variance), as Keras counts them.
     */
    public static TimeDistributed kerasBatchNormalization() {
        return new TimeDistributed(new BatchNormalization.Builder().decay(0.99).eps(1e-3).useLogStd(false).build(),
                RNNFormat.NCW);
    }

    /**
     * A Keras-initialised {@code LSTM(units)} in NCW layout: tanh and sigmoid gates (Keras' defaults, no
     * peepholes), Glorot-uniform kernel with Keras' fans ({@link KerasGlorotUniform}), orthogonal recurrent
     * kernel, zero biases except the forget gate's 1 (Keras' {@code unit_forget_bias}).
     */
    public static LSTM lstmLayer(int units) {
        return new LSTM.Builder().nOut(units).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                .forgetGateBiasInit(1.0).weightInit(new KerasGlorotUniform()).weightInitRecurrent(new OrthogonalInit())
                .dataFormat(RNNFormat.NCW).build();
    }

    /** A Keras-initialised linear {@code Dense(units)} output trained with MSE. */
    public static OutputLayer denseOutput(int units) {
        return new OutputLayer.Builder(LossFunction.MSE).nOut(units).activation(Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER_UNIFORM).build();
    }

    /** Keras' {@code TimeDistributed(Dense(units))} as the output of a sequence model, trained with MSE over all steps. */
    public static RnnOutputLayer timeDistributedDense(int units) {
        return new RnnOutputLayer.Builder(LossFunction.MSE).nOut(units).activation(Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER_UNIFORM).dataFormat(RNNFormat.NCW).build();
    }

    /**
     * An MSE loss on the previous layer's output, with no parameters (Keras' {@code loss="mse"} on a
     * recurrent layer's output). The size is given so DL4J does not warn about a zero-sized input type.
     */
    public static LossLayer mseLoss(int size) {
        LossLayer loss = new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build();
        // The builder refuses sizes for a parameterless layer, but the configuration needs them.
        loss.setNIn(size);
        loss.setNOut(size);
        return loss;
    }

    /** Adam with Keras' betas and epsilon at the given learning rate. */
    public static Adam kerasAdam(double learningRate) {
        Require.positive("learningRate", learningRate);
        return new Adam(learningRate, 0.9, 0.999, KERAS_ADAM_EPSILON);
    }

    /**
     * Builds and initialises a float32 network over univariate NCW input of length {@code steps}.
     *
     * @param flattenInput true to put {@link FlattenSequence} in front of the first (dense) layer
     */
    static MultiLayerNetwork build(double learningRate, int steps, long seed, Layer[] layers, boolean flattenInput) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(kerasAdam(learningRate))
                .list(layers);
        if (flattenInput) {
            list.inputPreProcessor(0, new FlattenSequence());
        }
        list.setInputType(InputType.recurrent(1, steps, RNNFormat.NCW));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }
}
