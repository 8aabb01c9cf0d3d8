package io.github.seqbook.models;

import static io.github.seqbook.keras.Keras.activation;
import static io.github.seqbook.keras.Keras.adam;
import static io.github.seqbook.keras.Keras.batchNormalization;
import static io.github.seqbook.keras.Keras.dense;
import static io.github.seqbook.keras.Keras.flatten;
import static io.github.seqbook.keras.Keras.gatedActivationUnit;
import static io.github.seqbook.keras.Keras.input;
import static io.github.seqbook.keras.Keras.lnSimpleRnnCell;
import static io.github.seqbook.keras.Keras.model;
import static io.github.seqbook.keras.Keras.mse;
import static io.github.seqbook.keras.Keras.myRnn;
import static io.github.seqbook.keras.Keras.rnn;
import static io.github.seqbook.keras.Keras.sequential;
import static io.github.seqbook.keras.Keras.timeDistributed;

import io.github.seqbook.Require;
import io.github.seqbook.keras.Keras;
import io.github.seqbook.keras.Tensor;
import java.util.ArrayList;
import java.util.List;

import io.github.seqbook.layers.DenseOutputLayer;
import io.github.seqbook.layers.GatedActivationUnit;
import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.KerasGlorotUniform;
import io.github.seqbook.layers.KerasLstm;
import io.github.seqbook.layers.KerasSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.OrthogonalInit;
import io.github.seqbook.layers.RecurrentDropConnect;
import io.github.seqbook.layers.RecurrentLoop;
import io.github.seqbook.layers.SequenceBatchNormalization;
import io.github.seqbook.layers.SequenceLossLayer;
import io.github.seqbook.layers.SequenceOutputLayer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * One builder per model of the chapter, each a one-line use of the Keras-shaped API ({@link Keras}; write your
 * own models with it), with the book's sizes, activations, initialisation
 * (Glorot-uniform kernels, orthogonal recurrent kernels, zero biases, as Keras) and optimizer
 * (Adam with Keras' defaults: lr 0.001, beta 0.9/0.999, epsilon 1e-7, unless the book sets a rate).
 *
 * <p>Every model reads a batch of univariate series in DL4J's NCW layout, {@code [batch, 1, steps]};
 * {@link io.github.seqbook.training.Training} converts the book's {@code [batch, steps, 1]} arrays for it.
 * Every builder returns an initialised network, seeded so that two calls give identical weights. Side effect:
 * DL4J's initialisation reseeds ND4J's global random generator with the model's seed, so random draws right after
 * a build are the same every time.
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
        return sequential(input(steps, 1), flatten(), dense(outputs)).compile(adam(), mse()).network();
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
        return sequential(input(steps, 1), Keras.simpleRnn(1)).compile(adam(0.005), mse()).network();
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
        return sequential(input(steps, 1), Keras.simpleRnn(20).returnSequences(), Keras.simpleRnn(20).returnSequences(),
                Keras.simpleRnn(1)).compile(adam(), mse()).network();
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
        return sequential(input(steps, 1), Keras.simpleRnn(20).returnSequences(), Keras.simpleRnn(20), dense(outputs))
                .compile(adam(), mse()).network();
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
        return sequential(input(steps, 1), Keras.simpleRnn(20).returnSequences(), Keras.simpleRnn(20).returnSequences(),
                timeDistributed(dense(outputs))).compile(adam(0.01), mse()).network();
    }

    /**
     * The sequence-to-sequence RNN with dropout for MC Dropout, as notebook 02 first trained it: each
     * {@code SimpleRNN(20)} drops {@code rate} of its inputs (DL4J's input dropout: a new mask at every step) and of
     * its recurrent weights ({@link RecurrentDropConnect}: one mask per batch); Adam at 0.01 as the plain model.
     * Dropout stays off in {@link io.github.seqbook.training.Training#predict} and is switched on by
     * {@link io.github.seqbook.training.Forecasts#mcDropout}.
     *
     * <p>This keeps the network (and the numbers) of notebook 02. Keras' dropout, per-sample masks reused at every
     * step, is the Keras-shaped API's: {@code sequential(input(steps, 1), simpleRnn(20).returnSequences().dropout(0.2)
     * .recurrentDropout(0.2), simpleRnn(20).returnSequences().dropout(0.2).recurrentDropout(0.2),
     * timeDistributed(dense(outputs))).compile(adam(0.01), mse())}.
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step
     * @param rate    dropout rate for inputs and recurrent connections, in [0, 1)
     */
    public static MultiLayerNetwork sequenceToSequenceRnnWithDropout(int steps, int outputs, double rate) {
        Require.inRange("rate", rate, 0.0, 0.999);
        return sequenceToSequenceRnnWithDropout(steps, outputs, rate, rate);
    }

    /**
     * {@link #sequenceToSequenceRnnWithDropout(int, int, double)} with separate rates for the inputs
     * ({@code dropout}) and the recurrent connections ({@code recurrent_dropout}); 0 switches either off.
     */
    public static MultiLayerNetwork sequenceToSequenceRnnWithDropout(int steps, int outputs, double inputRate,
                                                                     double recurrentRate) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        Require.inRange("inputRate", inputRate, 0.0, 0.999);
        Require.inRange("recurrentRate", recurrentRate, 0.0, 0.999);
        // Written with DL4J's layers: the Keras-shaped API's dropout is Keras' per-sample masks, not these.
        return build(0.01, steps, BOOK_SEED, new Layer[] {
                withDropConnect(simpleRnnLayer(20), inputRate, recurrentRate),
                withDropConnect(simpleRnnLayer(20), inputRate, recurrentRate),
                timeDistributedDense(outputs)}, false);
    }

    /** DL4J's input dropout (a mask per element and step) and {@link RecurrentDropConnect}; 0 leaves either off. */
    private static KerasSimpleRnn withDropConnect(KerasSimpleRnn layer, double inputRate, double recurrentRate) {
        if (inputRate > 0) {
            // DL4J's Dropout takes the probability of keeping an input.
            layer.setIDropout(new org.deeplearning4j.nn.conf.dropout.Dropout(1.0 - inputRate));
        }
        if (recurrentRate > 0) {
            layer.setWeightNoise(new RecurrentDropConnect(recurrentRate));
        }
        return layer;
    }

    // ---- "Handling Long Sequences" ---------------------------------------------------------------------------
    // All five are the sequence-to-sequence model of the previous section with other recurrent layers: two
    // layers of 20 units returning sequences, then TimeDistributed(Dense(outputs)), Adam with Keras' lr 0.001.

    /**
     * The sequence-to-sequence RNN with batch normalization: {@code SimpleRNN(20, return_sequences=True)},
     * {@code BatchNormalization()}, {@code SimpleRNN(20, return_sequences=True)}, {@code BatchNormalization()},
     * {@code TimeDistributed(Dense(outputs))}. Each normalization takes its statistics over batch and time (as Keras
     * on a 3-D input) with Keras' momentum and epsilon; see
     * {@link #kerasBatchNormalization()}.
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step (10 in the book)
     */
    public static MultiLayerNetwork deepRnnWithBatchNorm(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return sequential(input(steps, 1), Keras.simpleRnn(20).returnSequences(), batchNormalization(),
                Keras.simpleRnn(20).returnSequences(), batchNormalization(), timeDistributed(dense(outputs)))
                .compile(adam(), mse()).network();
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
        return sequential(input(steps, 1), rnn(lnSimpleRnnCell(20)).returnSequences(),
                rnn(lnSimpleRnnCell(20)).returnSequences(), timeDistributed(dense(outputs))).compile(adam(), mse())
                .network();
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
        return sequential(input(steps, 1), myRnn(lnSimpleRnnCell(20)).returnSequences(),
                myRnn(lnSimpleRnnCell(20)).returnSequences(), timeDistributed(dense(outputs))).compile(adam(), mse())
                .network();
    }

    /**
     * {@code LSTM(20, return_sequences=True)} twice, then {@code TimeDistributed(Dense(outputs))}; Keras' LSTM
     * ({@link #lstmLayer}).
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every step
     */
    public static MultiLayerNetwork lstm(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        return sequential(input(steps, 1), Keras.lstm(20).returnSequences(), Keras.lstm(20).returnSequences(),
                timeDistributed(dense(outputs))).compile(adam(), mse()).network();
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
        return sequential(input(steps, 1), Keras.gru(20).returnSequences(), Keras.gru(20).returnSequences(),
                timeDistributed(dense(outputs))).compile(adam(), mse()).network();
    }

    // ---- "Processing sequences using 1D convolutional layers" ---------------------------------------------

    /** Filters of the book's strided {@code Conv1D} in front of the recurrent layers. */
    public static final int CONV_FILTERS = 20;
    /** Kernel size of the book's strided {@code Conv1D}. */
    public static final int CONV_KERNEL = 4;
    /** Stride of the book's strided {@code Conv1D}. */
    public static final int CONV_STRIDE = 2;

    /**
     * The book's convolution + GRU model: {@code Conv1D(20, kernel_size=4, strides=2, padding="valid")},
     * {@code GRU(20, return_sequences=True)} twice, {@code TimeDistributed(Dense(outputs))}; 5,350 parameters as
     * in TF 2. It reads the downsampled targets
     * ({@link io.github.seqbook.data.SeriesData#downsampleTargets}{@code (3, 2)}).
     *
     * <p>The convolution turns {@code steps} inputs into {@link #convOutputSteps}{@code (steps, 4, 2)} outputs
     * (24 for 50), so the output is {@code [batch, outputs, 24]} (NCW).
     *
     * @param steps   input window length (used for the input type only)
     * @param outputs values forecast at every output step (10 in the book)
     */
    public static MultiLayerNetwork conv1dGru(int steps, int outputs) {
        Require.inRange("steps", steps, CONV_KERNEL, Integer.MAX_VALUE);
        Require.positive("outputs", outputs);
        return sequential(input(steps, 1),
                Keras.conv1d(CONV_FILTERS, CONV_KERNEL).strides(CONV_STRIDE).padding("valid"),
                Keras.gru(20).returnSequences(), Keras.gru(20).returnSequences(), timeDistributed(dense(outputs)))
                .compile(adam(), mse()).network();
    }

    /** The book's {@code Conv1D(filters=20, kernel_size=4, strides=2, padding="valid")}, linear. */
    public static Convolution1DLayer stridedConv1d() {
        // Truncate is Keras' "valid": no padding, the last incomplete window dropped.
        return conv1d(CONV_FILTERS, CONV_KERNEL, CONV_STRIDE, 1, ConvolutionMode.Truncate, Activation.IDENTITY);
    }

    /**
     * Output length of a {@code padding="valid"} convolution: {@code floor((steps - kernel) / stride) + 1}
     * (24 for the book's 50 steps, kernel 4, stride 2).
     */
    public static int convOutputSteps(int steps, int kernelSize, int stride) {
        Require.positive("kernelSize", kernelSize);
        Require.positive("stride", stride);
        Require.inRange("steps", steps, kernelSize, Integer.MAX_VALUE);
        return (steps - kernelSize) / stride + 1;
    }

    // ---- "WaveNet" --------------------------------------------------------------------------------------------

    /** Filters of each causal convolution of the book's simplified WaveNet. */
    public static final int WAVENET_FILTERS = 20;

    /** The dilation rates of the book's simplified WaveNet, {@code (1, 2, 4, 8) * 2}. */
    public static int[] wavenetDilations() {
        return new int[] {1, 2, 4, 8, 1, 2, 4, 8};
    }

    /**
     * The book's simplified WaveNet: for each rate of {@link #wavenetDilations()} a
     * {@code Conv1D(20, kernel_size=2, padding="causal", activation="relu", dilation_rate=rate)}, then
     * {@code Conv1D(outputs, kernel_size=1)}, trained with MSE at every step. Causal padding keeps the length:
     * the output is {@code [batch, outputs, steps]} and step {@code t} sees inputs {@code t-30 .. t}
     * ({@link #receptiveField} = 31).
     *
     * @param steps   input window length (used for the input type only; any length works at run time)
     * @param outputs values forecast at every step (10 in the book)
     */
    public static MultiLayerNetwork wavenet(int steps, int outputs) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        List<io.github.seqbook.keras.Layer> layers = new ArrayList<>();
        for (int rate : wavenetDilations()) {
            layers.add(Keras.conv1d(WAVENET_FILTERS, 2).padding("causal").activation("relu").dilationRate(rate));
        }
        layers.add(Keras.conv1d(outputs, 1));
        return sequential(input(steps, 1), layers.toArray(new io.github.seqbook.keras.Layer[0])).compile(adam(), mse())
                .network();
    }

    /**
     * Receptive field of a stack of stride-1 convolutions with one kernel size: {@code 1 + sum((k - 1) * d)} over
     * the layers' dilation rates {@code d}. Each layer reaches {@code (k - 1) * d} steps further into the past;
     * for the book's WaveNet, {@code 1 + (1 + 2 + 4 + 8) * 2 = 31}.
     *
     * @param kernelSize    kernel size of every layer
     * @param dilationRates one rate per layer
     */
    public static int receptiveField(int kernelSize, int... dilationRates) {
        Require.positive("kernelSize", kernelSize);
        Require.notNull("dilationRates", dilationRates);
        int field = 1;
        for (int d : dilationRates) {
            field += (kernelSize - 1) * Require.positive("dilation rate", d);
        }
        return field;
    }

    /** Filters of the residual blocks of the book's original WaveNet ({@code n_filters}; 128 in the paper). */
    public static final int ORIGINAL_WAVENET_FILTERS = 32;
    /** Layers per block ({@code n_layers_per_block}; 10 in the paper): dilation rates 1, 2, 4. */
    public static final int ORIGINAL_WAVENET_LAYERS_PER_BLOCK = 3;
    /** Blocks ({@code n_blocks}; 3 in the paper). */
    public static final int ORIGINAL_WAVENET_BLOCKS = 1;

    /**
     * The book's "original" WaveNet, as a {@link ComputationGraph}: a causal {@code Conv1D(32, kernel_size=2)},
     * then for each dilation rate 1, 2, 4 a residual block
     * <pre>{@code
     * z = Conv1D(64, kernel_size=2, padding="causal", dilation_rate=rate)(inputs)
     * z = GatedActivationUnit()(z)            # tanh(tanh(first half)) * sigmoid(second half), as the book's code
     * z = Conv1D(32, kernel_size=1)(z)        # the skip output
     * return Add()([z, inputs]), z            # the residual output feeds the next block
     * }</pre>
     * then {@code relu(Add()(skips))}, {@code Conv1D(32, kernel_size=1, activation="relu")} and
     * {@code Conv1D(outputs, kernel_size=1, activation="softmax")}, trained with MSE.
     *
     * <p>The book's softmax output (from the paper, which classifies audio samples into 256 values) cannot fit
     * real-valued targets: each step's 10 outputs are positive and sum to 1. The softmax is applied over the 10
     * output channels of every step, as Keras does. {@code linearOutput = true} drops it for a model that can
     * regress. The last block's residual sum feeds nothing in the book's graph; it has no parameters and is left
     * out here.
     *
     * @param steps        input window length (used for the input type only; any length works at run time)
     * @param outputs      values forecast at every step (10 in the book)
     * @param linearOutput false for the book's softmax output, true for a linear one
     */
    public static ComputationGraph originalWavenet(int steps, int outputs, boolean linearOutput) {
        Require.positive("steps", steps);
        Require.positive("outputs", outputs);
        int filters = ORIGINAL_WAVENET_FILTERS;
        Tensor inputs = input(steps, 1);
        // Vertex names as before the Keras-shaped API, so that saved graphs and code looking layers up keep working.
        Tensor z = Keras.conv1d(filters, 2).padding("causal").name("conv_in").apply(inputs);
        List<Tensor> skips = new ArrayList<>();
        int blocks = ORIGINAL_WAVENET_LAYERS_PER_BLOCK * ORIGINAL_WAVENET_BLOCKS;
        for (int i = 0; i < blocks; i++) {
            int rate = 1 << (i % ORIGINAL_WAVENET_LAYERS_PER_BLOCK);
            String p = "block" + i + "_";
            Tensor gated = gatedActivationUnit().name(p + "gate").apply(
                    Keras.conv1d(2 * filters, 2).padding("causal").dilationRate(rate).name(p + "dilated").apply(z));
            Tensor skip = Keras.conv1d(filters, 1).name(p + "skip").apply(gated);
            skips.add(skip);
            if (i < blocks - 1) {
                z = Keras.add(p + "residual", skip, z); // the last block's residual sum feeds nothing: left out
            }
        }
        z = activation("relu").name("skip_relu").apply(Keras.add("skip_sum", skips.toArray(new Tensor[0])));
        z = Keras.conv1d(filters, 1).activation("relu").name("conv_relu").apply(z);
        // A softmax on the last Conv1D normalises each step's outputs, as Keras (see Conv1D).
        Tensor y = Keras.conv1d(outputs, 1).activation(linearOutput ? "linear" : "softmax").name("conv_out").apply(z);
        return model(inputs, y).compile(adam(), mse()).network();
    }

    // ---- building blocks -------------------------------------------------------------------------------------

    /**
     * A Keras-initialised {@code SimpleRNN(units)} in NCW layout with tanh activation, returning sequences (wrap it
     * in {@code LastTimeStep} for the last step only): {@link KerasSimpleRnn}, which computes what DL4J's
     * {@code SimpleRnn} computes, from the same weights for the same seed, several times faster.
     */
    public static KerasSimpleRnn simpleRnnLayer(int units) {
        Require.positive("units", units);
        return new KerasSimpleRnn.Builder().nOut(units).activation(Activation.TANH)
                .weightInit(WeightInit.XAVIER_UNIFORM).weightInitRecurrent(new OrthogonalInit())
                .dataFormat(RNNFormat.NCW).build();
    }

    /**
     * Keras' {@code BatchNormalization()} after a recurrent layer, on {@code [batch, features, steps]}: statistics
     * over batch and time, Keras' momentum 0.99 and epsilon 1e-3, a moving variance (not DL4J's default log10 of the
     * standard deviation); gamma starts at 1, beta at 0; 4 values per feature (gamma, beta, moving mean, moving
     * variance), as Keras counts them. {@link SequenceBatchNormalization} computes what DL4J's
     * {@code BatchNormalization} inside {@code TimeDistributed} computes (directly after an RNN DL4J's fails in
     * 1.0.0-M2.1), with the same parameters, several times faster.
     */
    public static SequenceBatchNormalization kerasBatchNormalization() {
        return SequenceBatchNormalization.keras();
    }

    /**
     * A Keras-initialised {@code LSTM(units)} in NCW layout: tanh and sigmoid gates (Keras' defaults, no
     * peepholes, gate order i, f, c, o), Glorot-uniform kernel with Keras' fans ({@link KerasGlorotUniform}),
     * orthogonal recurrent kernel, zero biases except the forget gate's 1 (Keras' {@code unit_forget_bias}):
     * {@link KerasLstm}, which computes what DL4J's {@code LSTM} computes, from the same weights for the same seed,
     * many times faster.
     */
    public static KerasLstm lstmLayer(int units) {
        Require.positive("units", units);
        return new KerasLstm.Builder().nOut(units).activation(Activation.TANH)
                .forgetGateBiasInit(KerasLstm.KERAS_FORGET_GATE_BIAS).weightInit(new KerasGlorotUniform())
                .weightInitRecurrent(new OrthogonalInit()).dataFormat(RNNFormat.NCW).build();
    }

    /** A Keras-initialised linear {@code Dense(units)} output trained with MSE. */
    public static OutputLayer denseOutput(int units) {
        return DenseOutputLayer.of(new OutputLayer.Builder(LossFunction.MSE).nOut(units)
                .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER_UNIFORM).build());
    }

    /** Keras' {@code TimeDistributed(Dense(units))} as the output of a sequence model, trained with MSE over all steps. */
    public static RnnOutputLayer timeDistributedDense(int units) {
        return SequenceOutputLayer.of(new RnnOutputLayer.Builder(LossFunction.MSE).nOut(units)
                .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER_UNIFORM).dataFormat(RNNFormat.NCW).build());
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

    /**
     * A Keras-initialised {@code Conv1D} in NCW layout: Glorot-uniform kernel with Keras' fans
     * ({@link KerasGlorotUniform}), zero bias.
     *
     * @param filters    output channels
     * @param kernelSize kernel length
     * @param stride     stride
     * @param dilation   dilation rate
     * @param mode       {@code Truncate} for Keras' "valid", {@code Causal} for "causal"
     * @param activation activation (Keras' default is linear: {@code IDENTITY})
     */
    public static Convolution1DLayer conv1d(int filters, int kernelSize, int stride, int dilation,
                                            ConvolutionMode mode, Activation activation) {
        Require.positive("filters", filters);
        Require.positive("kernelSize", kernelSize);
        Require.positive("stride", stride);
        Require.positive("dilation", dilation);
        Require.notNull("mode", mode);
        Require.notNull("activation", activation);
        // NCW: DL4J's causal convolution fails in backprop with NWC (field notes).
        return new Convolution1DLayer.Builder().nOut(filters).kernelSize(kernelSize).stride(stride).dilation(dilation)
                .convolutionMode(mode).rnnDataFormat(RNNFormat.NCW).activation(activation)
                .weightInit(new KerasGlorotUniform()).biasInit(0.0).build();
    }

    /** Keras' {@code Conv1D(filters, kernel_size, padding="causal", dilation_rate=dilation)}, stride 1. */
    public static Convolution1DLayer causalConv1d(int filters, int kernelSize, int dilation, Activation activation) {
        return conv1d(filters, kernelSize, 1, dilation, ConvolutionMode.Causal, activation);
    }

    /**
     * An MSE loss at every step of an NCW sequence {@code [batch, size, steps]}, with no parameters. Its
     * activation runs on {@code [batch * steps, size]}, so a softmax normalises each step's {@code size} values.
     */
    public static RnnLossLayer sequenceLoss(int size, Activation activation) {
        Require.positive("size", size);
        RnnLossLayer loss = SequenceLossLayer.of(new RnnLossLayer.Builder(LossFunction.MSE).activation(activation)
                .dataFormat(RNNFormat.NCW).build());
        // Sizes set so Training can check the targets against the model's outputs.
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
     * Builds and initialises a float32 network over univariate NCW input of length {@code steps} from DL4J layers
     * (for code that assembles DL4J layers itself; the chapter's builders use {@link Keras}).
     *
     * @param flattenInput true to put {@link io.github.seqbook.layers.FlattenSequence} in front of the first (dense)
     *                     layer
     */
    static MultiLayerNetwork build(double learningRate, int steps, long seed, Layer[] layers, boolean flattenInput) {
        org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder list =
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                        .seed(seed)
                        .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                        .updater(kerasAdam(learningRate))
                        .list(layers);
        if (flattenInput) {
            list.inputPreProcessor(0, new io.github.seqbook.layers.FlattenSequence());
        }
        list.setInputType(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(1, steps, RNNFormat.NCW));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }
}
