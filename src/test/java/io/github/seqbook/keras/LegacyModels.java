package io.github.seqbook.keras;


import io.github.seqbook.Require;
import java.util.ArrayList;
import java.util.List;

import io.github.seqbook.layers.DenseOutputLayer;
import io.github.seqbook.layers.FlattenSequence;
import io.github.seqbook.layers.GatedActivationUnit;
import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.KerasGlorotUniform;
import io.github.seqbook.layers.KerasLstm;
import io.github.seqbook.layers.KerasSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnnCell;
import io.github.seqbook.layers.OrthogonalInit;
import io.github.seqbook.layers.SequenceLossLayer;
import io.github.seqbook.layers.SequenceOutputLayer;
import io.github.seqbook.layers.RecurrentDropConnect;
import io.github.seqbook.layers.RecurrentLoop;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The chapter's builders as {@code models/Models.java} wrote them by hand before the Keras-shaped API (commit
 * 07a0edb), kept as the reference that {@link KerasApiEquivalenceTest} compares the API's networks with.
 *
 * <p>Original description: one builder per model of the chapter, each with the book's sizes, activations, initialisation
 * (Glorot-uniform kernels, orthogonal recurrent kernels, zero biases, as Keras) and optimizer
 * (Adam with Keras' defaults: lr 0.001, beta 0.9/0.999, epsilon 1e-7, unless the book sets a rate).
 *
 * <p>Every model reads a batch of univariate series in DL4J's NCW layout, {@code [batch, 1, steps]};
 * {@link io.github.seqbook.training.Training} converts the book's {@code [batch, steps, 1]} arrays for it.
 * Every builder returns an initialised network, seeded so that two calls give identical weights.
 */
final class LegacyModels {
    /** The seed the book sets before each model ({@code tf.random.set_seed(42)}). */
    public static final long BOOK_SEED = 42;
    /** Keras' Adam epsilon (DL4J's default is 1e-8). */
    public static final double KERAS_ADAM_EPSILON = 1e-7;
    /** Keras' default learning rate for Adam. */
    public static final double KERAS_ADAM_LR = 1e-3;

    private LegacyModels() {
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
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {denseOutput(outputs)}, true);
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
        return build(0.01, steps, BOOK_SEED, new Layer[] {
                withDropout(simpleRnnLayer(20), inputRate, recurrentRate),
                withDropout(simpleRnnLayer(20), inputRate, recurrentRate),
                timeDistributedDense(outputs)}, false);
    }

    private static <T extends BaseRecurrentLayer> T withDropout(T layer, double inputRate, double recurrentRate) {
        if (inputRate > 0) {
            // DL4J's dropOut takes the probability of keeping an input.
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
     * {@code LSTM(20, return_sequences=True)} twice, then {@code TimeDistributed(Dense(outputs))}; Keras' LSTM
     * ({@link #lstmLayer}).
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
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, new Layer[] {
                stridedConv1d(),
                new Gru.Builder().nOut(20).build(),
                new Gru.Builder().nOut(20).build(),
                timeDistributedDense(outputs)}, false);
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
        int[] rates = wavenetDilations();
        Layer[] layers = new Layer[rates.length + 2];
        for (int i = 0; i < rates.length; i++) {
            layers[i] = causalConv1d(WAVENET_FILTERS, 2, rates[i], Activation.RELU);
        }
        layers[rates.length] = causalConv1d(outputs, 1, 1, Activation.IDENTITY);
        layers[rates.length + 1] = sequenceLoss(outputs, Activation.IDENTITY);
        return build(KERAS_ADAM_LR, steps, BOOK_SEED, layers, false);
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
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(BOOK_SEED)
                .dataType(DataType.FLOAT)
                .updater(kerasAdam(KERAS_ADAM_LR))
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.recurrent(1, steps, RNNFormat.NCW))
                .addLayer("conv_in", causalConv1d(filters, 2, 1, Activation.IDENTITY), "input");
        String z = "conv_in";
        List<String> skips = new ArrayList<>();
        int blocks = ORIGINAL_WAVENET_LAYERS_PER_BLOCK * ORIGINAL_WAVENET_BLOCKS;
        for (int i = 0; i < blocks; i++) {
            int rate = 1 << (i % ORIGINAL_WAVENET_LAYERS_PER_BLOCK);
            String p = "block" + i + "_";
            g.addLayer(p + "dilated", causalConv1d(2 * filters, 2, rate, Activation.IDENTITY), z)
                    .addVertex(p + "gate", GatedActivationUnit.bookCode(), p + "dilated")
                    .addLayer(p + "skip", causalConv1d(filters, 1, 1, Activation.IDENTITY), p + "gate");
            skips.add(p + "skip");
            if (i < blocks - 1) {
                g.addVertex(p + "residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), p + "skip", z);
                z = p + "residual";
            }
        }
        g.addVertex("skip_sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), skips.toArray(new String[0]))
                .addLayer("skip_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "skip_sum")
                .addLayer("conv_relu", causalConv1d(filters, 1, 1, Activation.RELU), "skip_relu")
                .addLayer("conv_out", causalConv1d(outputs, 1, 1, Activation.IDENTITY), "conv_relu")
                // The softmax lives in the loss layer: it flattens NCW to [batch * steps, channels] first, so it
                // normalises over channels like Keras. A softmax on the Conv1D layer itself would run over time.
                .addLayer("output", sequenceLoss(outputs, linearOutput ? Activation.IDENTITY : Activation.SOFTMAX),
                        "conv_out")
                .setOutputs("output");
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        return graph;
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

    /**
     * Keras' {@code TimeDistributed(Dense(units))} as the output of a sequence model, trained with MSE over all steps:
     * DL4J's {@code RnnOutputLayer} in the library's drop-in {@link SequenceOutputLayer} (the same configuration
     * and values; {@code SequenceOutputLayerTest}), as the API builds it.
     */
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
