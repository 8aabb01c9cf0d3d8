package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Shared fixtures of the layer tests: small double-precision networks, gradient checks, save/load round trips. */
public final class LayerTesting {
    private LayerTesting() {
    }

    /**
     * A double-precision network: the given recurrent layers, then a time-distributed dense output of
     * {@code outputs} values trained with MSE (NoOp updater, as DL4J's gradient checks want).
     */
    static MultiLayerNetwork net(int inputs, int steps, int outputs, RNNFormat format, Layer... layers) {
        Layer[] all = java.util.Arrays.copyOf(layers, layers.length + 1);
        all[layers.length] = new RnnOutputLayer.Builder(LossFunction.MSE).nOut(outputs).activation(Activation.IDENTITY)
                .dataFormat(format).build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list(all)
                .setInputType(InputType.recurrent(inputs, steps, format))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * A double-precision network: the given layers (the last one typically a recurrent layer in DL4J's
     * {@code LastTimeStep}), then a dense output of {@code outputs} values trained with MSE (NoOp updater).
     */
    static MultiLayerNetwork denseOutputNet(int inputs, int steps, int outputs, Layer... layers) {
        Layer[] all = java.util.Arrays.copyOf(layers, layers.length + 1);
        all[layers.length] = new OutputLayer.Builder(LossFunction.MSE).nOut(outputs).activation(Activation.IDENTITY).build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list(all)
                .setInputType(InputType.recurrent(inputs, steps, RNNFormat.NCW))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The gradient of the loss for input {@code x} and labels {@code y}, per variable ("0_W", ...), as copies. */
    static java.util.Map<String, INDArray> gradients(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        java.util.Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        net.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    /** Replaces every parameter by a uniform draw in [-scale, scale], so that biases and gains are not trivial. */
    static void randomizeParams(MultiLayerNetwork net, double scale, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = Nd4j.rand(DataType.DOUBLE, net.params().shape()).muli(2 * scale).subi(scale);
        net.setParams(p);
    }

    /**
     * The chapter's output losses with their output activations, as JUnit arguments (name, loss, activation): the
     * losses the library's output layers compute on their own path.
     */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> chapterLosses() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("MSE", new org.nd4j.linalg.lossfunctions.impl.LossMSE(),
                        Activation.IDENTITY),
                org.junit.jupiter.params.provider.Arguments.of("Huber", new io.github.seqbook.keras.HuberLoss(1.0),
                        Activation.IDENTITY),
                org.junit.jupiter.params.provider.Arguments.of("softmax cross-entropy",
                        new org.nd4j.linalg.lossfunctions.impl.LossMCXENT(), Activation.SOFTMAX));
    }

    /** Asserts the same shape and the same float values, bit for bit (compared in c order). */
    static void assertBitForBit(INDArray expected, INDArray actual, String what) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), actual.shape(), what);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.dup('c').data().asFloat(),
                actual.dup('c').data().asFloat(), what);
    }

    /**
     * True when an NCW array {@code [batch, channels, steps]} is laid out time-major, as the library's layers hand
     * over their outputs: {@code [steps, batch, channels]} in c order.
     */
    static boolean isTimeMajor(INDArray ncw) {
        long b = ncw.size(0);
        long c = ncw.size(1);
        return ncw.rank() == 3 && ncw.stride(1) == 1 && ncw.stride(0) == c && ncw.stride(2) == b * c;
    }

    /** Random inputs {@code [batch, inputs, steps]} in [-1, 1] (double). */
    static INDArray ncwInput(int batch, int inputs, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, batch, inputs, steps).muli(2).subi(1);
    }

    /** True when DL4J's numerical gradient check passes for every parameter and the input. */
    static boolean gradientsMatch(MultiLayerNetwork net, INDArray x, INDArray y) {
        // DL4J's checker insists on double as the global default type; restore the previous default afterwards.
        DataType dataType = Nd4j.dataType();
        DataType floatType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        } finally {
            Nd4j.setDefaultDataTypes(dataType, floatType);
        }
    }

    /**
     * {@link #gradientsMatch} for a network with dropout: ND4J's generator is reseeded with {@code seed} before every
     * pass of the check, so that every pass draws the same masks (DL4J's way of gradient-checking dropout). The
     * step is 1e-5 rather than 1e-6: where masks cut most paths some gradients are ~5e-5, and at 1e-6 the score's
     * round-off alone gave a relative error of 1e-5 on one (1e-7 at a step of 1e-4, measured).
     */
    static boolean gradientsMatchWithFixedMasks(MultiLayerNetwork net, INDArray x, INDArray y, long seed) {
        DataType dataType = Nd4j.dataType();
        DataType floatType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                    .epsilon(1e-5).maxRelError(1e-5).minAbsoluteError(1e-9)
                    .callEachIter(n -> Nd4j.getRandom().setSeed(seed))
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        } finally {
            Nd4j.setDefaultDataTypes(dataType, floatType);
        }
    }

    /** Saves with ModelSerializer, loads back, and checks the configuration JSON and the outputs are identical. */
    static MultiLayerNetwork saveAndLoad(MultiLayerNetwork net, INDArray x) throws Exception {
        File f = Files.createTempFile("layer", ".zip").toFile();
        f.deleteOnExit();
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
        assertEquals(net.getLayerWiseConfigurations().toJson(), back.getLayerWiseConfigurations().toJson());
        assertEquals(net.params(), back.params());
        assertEquals(net.output(x), back.output(x));
        return back;
    }

    /** Asserts the configuration survives toJson/fromJson and that the JSON names the layer class. */
    static void assertJsonRoundTrip(MultiLayerNetwork net, Class<?> layerClass) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        String json = conf.toJson();
        assertTrue(json.contains(layerClass.getName()), "JSON must name " + layerClass.getName());
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(json, back.toJson());
    }

    /** The output of layer {@code index} for input {@code x}, NCW {@code [batch, units, steps]}, as [batch][step][unit]. */
    static double[][][] layerOutput(MultiLayerNetwork net, int index, INDArray x) {
        INDArray out = net.feedForwardToLayer(index, x, false).get(index + 1);
        return toBatchStepFeature(out);
    }

    /** NCW {@code [batch, features, steps]} to a Java array indexed [batch][step][feature]. */
    public static double[][][] toBatchStepFeature(INDArray ncw) {
        int n = (int) ncw.size(0);
        int f = (int) ncw.size(1);
        int t = (int) ncw.size(2);
        double[][][] a = new double[n][t][f];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                for (int j = 0; j < f; j++) {
                    a[i][s][j] = ncw.getDouble(i, j, s);
                }
            }
        }
        return a;
    }

    /** Largest absolute difference between two arrays of the same shape. */
    public static double maxAbsDiff(double[][][] a, double[][][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int s = 0; s < a[i].length; s++) {
                for (int j = 0; j < a[i][s].length; j++) {
                    max = Math.max(max, Math.abs(a[i][s][j] - b[i][s][j]));
                }
            }
        }
        return max;
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
