package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras' {@code dropout} and {@code recurrent_dropout} on {@link KerasSimpleRnn}, {@link KerasLstm} and {@link Gru}
 * seen from the network: the masks read back from a SimpleRNN's outputs, inference untouched, the mean over many
 * masks, gradients with the masks held fixed, save/load, and reproducible training for a seed. (That a training pass
 * is Keras' cell with the drawn masks is {@code engine.KerasDropoutTest}.)
 */
class KerasDropoutLayersTest {
    static CustomRecurrentLayer layer(String kind, int units, double inputRate, double recurrentRate) {
        CustomRecurrentLayer.Builder<?> b = switch (kind) {
            case "SimpleRNN" -> new KerasSimpleRnn.Builder();
            case "LSTM" -> new KerasLstm.Builder();
            case "GRU" -> new Gru.Builder();
            default -> throw new IllegalArgumentException(kind);
        };
        return b.nOut(units).inputDropout(inputRate).recurrentDropout(recurrentRate).build();
    }

    static Stream<String> kinds() {
        return Stream.of("SimpleRNN", "LSTM", "GRU");
    }

    /**
     * SimpleRNN with W = RW = identity and b = 0 on a constant input 0.5: {@code h(t+1) = tanh(0.5 + r ⊙ h(t))}, so
     * each sample's recurrent mask reads back as {@code (atanh(h(t+1)) - 0.5) / h(t)} at every step after the first.
     */
    @Test
    void simpleRnnRecurrentMaskReadsBackPerSampleAndConstantOverSteps() {
        int units = 6;
        int steps = 8;
        int batch = 40;
        double rate = 0.4;
        MultiLayerNetwork net = LayerTesting.net(units, steps, 1, RNNFormat.NCW, layer("SimpleRNN", units, 0, rate));
        net.getLayer(0).setParam(KerasSimpleRnn.KERNEL, Nd4j.eye(units).castTo(DataType.DOUBLE));
        net.getLayer(0).setParam(KerasSimpleRnn.RECURRENT_KERNEL, Nd4j.eye(units).castTo(DataType.DOUBLE));
        net.getLayer(0).setParam(KerasSimpleRnn.BIAS, Nd4j.zeros(DataType.DOUBLE, units));
        INDArray x = Nd4j.valueArrayOf(new long[] {batch, units, steps}, 0.5, DataType.DOUBLE);
        double[][][] h = LayerTesting.toBatchStepFeature(net.feedForwardToLayer(0, x, true).get(1));
        java.util.Set<String> masks = new java.util.HashSet<>();
        for (int n = 0; n < batch; n++) {
            double[] mask = new double[units];
            for (int j = 0; j < units; j++) {
                mask[j] = (atanh(h[n][1][j]) - 0.5) / h[n][0][j];
                assertTrue(Math.abs(mask[j]) < 1e-9 || Math.abs(mask[j] - 1 / (1 - rate)) < 1e-9, "mask " + mask[j]);
                for (int t = 2; t < steps; t++) {
                    assertEquals(mask[j], (atanh(h[n][t][j]) - 0.5) / h[n][t - 1][j], 1e-9,
                            "sample " + n + " unit " + j + ": the same mask at step " + t);
                }
            }
            masks.add(java.util.Arrays.toString(java.util.Arrays.stream(mask).map(Math::rint).toArray()));
        }
        // Independent masks per sample: among 40 samples of 2^6 possible masks, many different ones.
        assertTrue(masks.size() > 15, masks.size() + " distinct masks");
        // Inference: no mask, h(t+1) = tanh(0.5 + h(t)).
        double[][][] plain = LayerTesting.toBatchStepFeature(net.feedForwardToLayer(0, x, false).get(1));
        assertEquals(Math.tanh(0.5 + Math.tanh(0.5)), plain[7][1][3], 1e-12);
    }

    private static double atanh(double v) {
        return 0.5 * Math.log((1 + v) / (1 - v));
    }

    @ParameterizedTest(name = "{0} dropout={1} recurrent_dropout={2}")
    @MethodSource("io.github.seqbook.layers.engine.KerasDropoutTest#cases")
    void inferenceIsTheLayerWithoutDropout(String kind, double inputRate, double recurrentRate) {
        MultiLayerNetwork with = LayerTesting.net(2, 7, 3, RNNFormat.NCW, layer(kind, 5, inputRate, recurrentRate));
        MultiLayerNetwork without = LayerTesting.net(2, 7, 3, RNNFormat.NCW, layer(kind, 5, 0, 0));
        assertEquals(without.params(), with.params(), "same seed, same parameters");
        INDArray x = LayerTesting.ncwInput(4, 2, 7, 3);
        INDArray plain = without.output(x, false);
        assertEquals(plain, with.output(x, false));
        INDArray train = with.output(x, true);
        assertFalse(train.equalsWithEps(plain, 1e-6), "training passes drop");
        assertEquals(plain, with.output(x, false), "a training pass leaves inference unchanged");
        assertEquals(plain, without.output(x, true), "without dropout a training pass is the inference pass");
    }

    /**
     * Many copies of one sequence in one batch each get their own masks; their mean output approaches the output
     * without dropout. Exact only where the layer is linear in the masks, so the inputs and weights are small
     * (weights and biases within ±0.1, inputs within ±0.1) and the check allows 5 standard errors plus 2% for the curvature.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void meanOverManyMasksApproachesTheOutputWithoutDropout(String kind) {
        int copies = 4000;
        MultiLayerNetwork net = LayerTesting.net(2, 5, 1, RNNFormat.NCW, layer(kind, 4, 0.2, 0.2));
        LayerTesting.randomizeParams(net, 0.1, 11);
        INDArray one = LayerTesting.ncwInput(1, 2, 5, 12).muli(0.1);
        INDArray x = Nd4j.repeat(one, copies).reshape(copies, 2, 5);
        INDArray plain = net.feedForwardToLayer(0, one, false).get(1);
        INDArray samples = net.feedForwardToLayer(0, x, true).get(1);
        INDArray mean = samples.mean(0);
        INDArray stdErr = samples.std(0).divi(Math.sqrt(copies));
        INDArray err = Nd4j.math().abs(mean.sub(plain.reshape(mean.shape())));
        INDArray allowed = stdErr.mul(5).addi(Nd4j.math().abs(plain.reshape(mean.shape())).mul(0.02));
        assertTrue(err.lt(allowed).all(), "error " + err + " allowed " + allowed);
        assertTrue(stdErr.maxNumber().doubleValue() > 0, "the samples differ");
    }

    @ParameterizedTest(name = "{0} dropout={1} recurrent_dropout={2}")
    @MethodSource("io.github.seqbook.layers.engine.KerasDropoutTest#cases")
    void gradientsMatchWithTheMasksHeldFixed(String kind, double inputRate, double recurrentRate) {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, layer(kind, 4, inputRate, recurrentRate));
        LayerTesting.randomizeParams(net, 0.8, 7);
        assertTrue(LayerTesting.gradientsMatchWithFixedMasks(net, LayerTesting.ncwInput(3, 2, 5, 13),
                LayerTesting.ncwInput(3, 3, 5, 17), 99));
    }

    /** Two dropout layers: the lower layer's gradients go through the upper layer's masked dL/dx. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void stackedLayersPassGradientCheckWithFixedMasks(String kind) {
        MultiLayerNetwork net = LayerTesting.net(2, 4, 2, RNNFormat.NCW, layer(kind, 3, 0.3, 0.3),
                layer(kind, 4, 0.3, 0.3));
        LayerTesting.randomizeParams(net, 0.8, 3);
        assertTrue(LayerTesting.gradientsMatchWithFixedMasks(net, LayerTesting.ncwInput(2, 2, 4, 5),
                LayerTesting.ncwInput(2, 2, 4, 6), 42));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void savedModelAndJsonKeepTheRates(String kind) throws Exception {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, layer(kind, 4, 0.2, 0.3));
        LayerTesting.assertJsonRoundTrip(net, layer(kind, 4, 0, 0).getClass());
        String json = net.getLayerWiseConfigurations().toJson();
        assertTrue(json.contains("\"inputDropout\" : 0.2") && json.contains("\"recurrentDropout\" : 0.3"), json);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 19);
        MultiLayerNetwork back = LayerTesting.saveAndLoad(net, x);
        CustomRecurrentLayer conf = (CustomRecurrentLayer) back.getLayerWiseConfigurations().getConf(0).getLayer();
        assertEquals(0.2, conf.getInputDropout());
        assertEquals(0.3, conf.getRecurrentDropout());
        Nd4j.getRandom().setSeed(4);
        INDArray a = net.output(x, true);
        Nd4j.getRandom().setSeed(4);
        assertEquals(a, back.output(x, true), "the loaded model drops the same values for the same seed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void sameSeedSameTraining(String kind) {
        INDArray x = LayerTesting.ncwInput(8, 2, 6, 1);
        INDArray y = LayerTesting.ncwInput(8, 3, 6, 2);
        INDArray first = train(kind, x, y, 5);
        assertEquals(first, train(kind, x, y, 5));
        assertNotEquals(first, train(kind, x, y, 6), "another seed draws other masks");
    }

    /** Three SGD steps from the same initial weights, ND4J reseeded with {@code seed} first. */
    private static INDArray train(String kind, INDArray x, INDArray y, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(12345).dataType(DataType.DOUBLE).updater(new org.nd4j.linalg.learning.config.Sgd(0.1))
                .list(layer(kind, 4, 0.2, 0.2), new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(2, 6, RNNFormat.NCW)).build());
        net.init();
        Nd4j.getRandom().setSeed(seed);
        for (int i = 0; i < 3; i++) {
            net.fit(x, y);
        }
        return net.params().dup();
    }

    @Test
    void layersWithoutKerasDropoutRefuseIt() {
        var ln = new LayerNormSimpleRnn.Builder().nOut(3).recurrentDropout(0.2).build();
        var e = assertThrows(IllegalStateException.class, () -> LayerTesting.net(1, 4, 1, RNNFormat.NCW, ln));
        assertTrue(e.getMessage().contains("LayerNormSimpleRnn") && e.getMessage().contains("0.2"), e.getMessage());
        var loop = new RecurrentLoop.Builder().cell(new LayerNormSimpleRnnCell(3)).inputDropout(0.1).build();
        e = assertThrows(IllegalStateException.class, () -> LayerTesting.net(1, 4, 1, RNNFormat.NCW, loop));
        assertTrue(e.getMessage().contains("RecurrentLoop") && e.getMessage().contains("0.1"), e.getMessage());
    }

    @Test
    void ratesOutsideTheRangeAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new KerasSimpleRnn.Builder().inputDropout(1.0));
        assertTrue(e.getMessage().contains("inputDropout") && e.getMessage().contains("1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Gru.Builder().recurrentDropout(-0.1));
        assertTrue(e.getMessage().contains("recurrentDropout"), e.getMessage());
    }
}
