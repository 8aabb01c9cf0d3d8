package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import io.github.seqbook.models.Models;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class SequenceBatchNormalizationTest {
    private static final int IN = 3;
    private static final int UNITS = 6;
    private static final int STEPS = 9;

    /** DL4J's sequence batch norm as the project built it before: BatchNormalization inside TimeDistributed. */
    private static Layer dl4jBatchNorm() {
        return new TimeDistributed(new BatchNormalization.Builder().decay(0.99).eps(1e-3).useLogStd(false).build(),
                RNNFormat.NCW);
    }

    /** SimpleRNN, batch norm, SimpleRNN, batch norm, time-distributed dense output (MSE), Adam, seed 42. */
    private static MultiLayerNetwork net(DataType type, boolean fast) {
        Layer bn1 = fast ? SequenceBatchNormalization.keras() : dl4jBatchNorm();
        Layer bn2 = fast ? SequenceBatchNormalization.keras() : dl4jBatchNorm();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(type)
                .updater(new Adam(1e-2)).list(Models.simpleRnnLayer(UNITS), bn1, Models.simpleRnnLayer(UNITS), bn2,
                        new RnnOutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                                .dataFormat(RNNFormat.NCW).build())
                .setInputType(InputType.recurrent(IN, STEPS, RNNFormat.NCW)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static double maxAbs(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double diff = maxAbs(expected, actual);
        assertTrue(diff <= tol * scale, what + " differs by " + diff);
    }

    @Test
    void sameParametersNamesAndInitialValuesAsDl4jLayer() {
        MultiLayerNetwork ref = net(DataType.FLOAT, false);
        MultiLayerNetwork fast = net(DataType.FLOAT, true);
        assertEquals(ref.paramTable().keySet(), fast.paramTable().keySet());
        assertTrue(ref.paramTable().containsKey("1_var"), ref.paramTable().keySet().toString());
        for (String key : ref.paramTable().keySet()) {
            assertArrayEquals(ref.paramTable().get(key).shape(), fast.paramTable().get(key).shape(), key);
        }
        assertArrayEquals(ref.params().toFloatVector(), fast.params().toFloatVector(), 0f);
        assertEquals(4 * UNITS, fast.getLayer(1).numParams());
        assertEquals(1.0, fast.getParam("1_var").minNumber().doubleValue(), 0.0);
        assertEquals(1.0, fast.getParam("1_gamma").minNumber().doubleValue(), 0.0);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void sameOutputsGradientsAndTrainingAsDl4jLayer(DataType type) {
        double tol = type == DataType.DOUBLE ? 1e-10 : 2e-5;
        MultiLayerNetwork ref = net(type, false);
        MultiLayerNetwork fast = net(type, true);
        // Non-trivial gamma, beta and moving statistics (variance positive), the same in both.
        LayerTesting.randomizeParams(ref, 0.5, 7);
        for (String bn : new String[] {"1_var", "3_var"}) {
            ref.setParam(bn, ref.getParam(bn).add(1.0));
        }
        fast.setParams(ref.params());
        ref.setParams(ref.params().castTo(type));
        INDArray x = LayerTesting.ncwInput(5, IN, STEPS, 3).castTo(type);
        INDArray y = LayerTesting.ncwInput(5, 2, STEPS, 5).castTo(type);

        assertClose(ref.output(x), fast.output(x), tol, "inference output");
        for (int layer = 1; layer <= 3; layer += 2) {
            assertClose(ref.feedForward(x, true).get(layer + 1), fast.feedForward(x, true).get(layer + 1), tol,
                    "training output of layer " + layer);
        }
        Map<String, INDArray> gRef = LayerTesting.gradients(ref, x, y);
        Map<String, INDArray> gFast = LayerTesting.gradients(fast, x, y);
        assertEquals(gRef.keySet(), gFast.keySet());
        for (String key : gRef.keySet()) {
            assertClose(gRef.get(key), gFast.get(key), tol, "gradient " + key);
        }
        INDArray eRef = ref.calculateGradients(x, y, null, null).getSecond();
        INDArray eFast = fast.calculateGradients(x, y, null, null).getSecond();
        assertClose(eRef, eFast, tol, "dL/d input");

        // A few Adam steps on batches of two sizes: gamma, beta and the moving statistics follow DL4J's.
        int[] batches = {8, 8, 5, 8};
        for (int i = 0; i < batches.length; i++) {
            INDArray xb = LayerTesting.ncwInput(batches[i], IN, STEPS, 100 + i).castTo(type);
            INDArray yb = LayerTesting.ncwInput(batches[i], 2, STEPS, 200 + i).castTo(type);
            ref.fit(xb, yb);
            fast.fit(xb, yb);
        }
        for (String key : ref.paramTable().keySet()) {
            assertClose(ref.getParam(key), fast.getParam(key), type == DataType.DOUBLE ? 1e-9 : 1e-4,
                    "parameter " + key + " after training");
        }
        INDArray mean = fast.getParam("1_mean");
        assertTrue(mean.amaxNumber().doubleValue() > 0, "moving mean moved: " + mean);
        assertClose(ref.output(x), fast.output(x), type == DataType.DOUBLE ? 1e-9 : 1e-4, "inference after training");
    }

    @Test
    void movingStatisticsFollowKerasMomentum() {
        // One training batch from moving mean 0, variance 1: moving = 0.99 * moving + 0.01 * batch statistic.
        MultiLayerNetwork net = net(DataType.DOUBLE, true);
        INDArray x = LayerTesting.ncwInput(4, IN, STEPS, 11);
        INDArray y = LayerTesting.ncwInput(4, 2, STEPS, 12);
        INDArray h = net.feedForward(x, true).get(1); // the first RNN's output, [4, UNITS, STEPS]
        INDArray rows = h.permute(0, 2, 1).reshape(4 * STEPS, UNITS);
        INDArray batchMean = rows.mean(0);
        INDArray batchVar = rows.var(false, 0);
        net.fit(x, y);
        assertClose(batchMean.mul(0.01), net.getParam("1_mean").reshape(UNITS), 1e-12, "moving mean");
        assertClose(batchVar.mul(0.01).add(0.99), net.getParam("1_var").reshape(UNITS), 1e-12, "moving variance");
    }

    @Test
    void staysRightWhenBatchShapesAlternate() {
        MultiLayerNetwork ref = net(DataType.DOUBLE, false);
        MultiLayerNetwork fast = net(DataType.DOUBLE, true);
        LayerTesting.randomizeParams(ref, 0.5, 7);
        ref.setParam("1_var", ref.getParam("1_var").add(1.0));
        ref.setParam("3_var", ref.getParam("3_var").add(1.0));
        fast.setParams(ref.params());
        int[][] shapes = {{4, 9}, {6, 6}, {9, 4}, {4, 9}, {12, 3}};
        for (int i = 0; i < shapes.length; i++) {
            INDArray x = LayerTesting.ncwInput(shapes[i][0], IN, shapes[i][1], 30 + i);
            INDArray y = LayerTesting.ncwInput(shapes[i][0], 2, shapes[i][1], 40 + i);
            Map<String, INDArray> gRef = LayerTesting.gradients(ref, x, y);
            Map<String, INDArray> gFast = LayerTesting.gradients(fast, x, y);
            for (String key : gRef.keySet()) {
                assertClose(gRef.get(key), gFast.get(key), 1e-10, key + " at shape " + i);
            }
            INDArray xi = LayerTesting.ncwInput(shapes[(i + 1) % shapes.length][0], IN,
                    shapes[(i + 1) % shapes.length][1], 50 + i);
            assertClose(ref.output(xi), fast.output(xi), 1e-10, "output at shape " + i);
        }
    }

    @Test
    void passesNumericalGradientCheck() {
        MultiLayerNetwork net = LayerTesting.net(IN, STEPS, 2, RNNFormat.NCW, Models.simpleRnnLayer(4),
                SequenceBatchNormalization.keras(), Models.simpleRnnLayer(3), SequenceBatchNormalization.keras());
        LayerTesting.randomizeParams(net, 0.5, 11);
        net.setParam("1_var", net.getParam("1_var").add(1.0));
        net.setParam("3_var", net.getParam("3_var").add(1.0));
        // The moving statistics' "gradients" are their updates, not derivatives of the loss: left out of the check
        // (they are compared with DL4J's in sameOutputsGradientsAndTrainingAsDl4jLayer and movingStatistics...).
        Set<String> movingStatistics = Set.of("1_mean", "1_var", "3_mean", "3_var");
        DataType dataType = Nd4j.dataType();
        DataType floatType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                    .input(LayerTesting.ncwInput(3, IN, STEPS, 1)).labels(LayerTesting.ncwInput(3, 2, STEPS, 2))
                    .excludeParams(movingStatistics).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)));
        } finally {
            Nd4j.setDefaultDataTypes(dataType, floatType);
        }
    }

    @Test
    void savedModelAndJsonRoundTrip() throws Exception {
        MultiLayerNetwork net = LayerTesting.net(IN, STEPS, 2, RNNFormat.NCW, Models.simpleRnnLayer(4),
                SequenceBatchNormalization.keras());
        LayerTesting.randomizeParams(net, 0.5, 13);
        net.setParam("1_var", net.getParam("1_var").add(1.0));
        LayerTesting.assertJsonRoundTrip(net, SequenceBatchNormalization.class);
        MultiLayerNetwork back = LayerTesting.saveAndLoad(net, LayerTesting.ncwInput(2, IN, STEPS, 9));
        SequenceBatchNormalization conf = assertInstanceOf(SequenceBatchNormalization.class,
                back.getLayer(1).conf().getLayer());
        assertEquals(0.99, conf.getDecay(), 0.0);
        assertEquals(1e-3, conf.getEps(), 0.0);
    }

    @Test
    void wrongInputsFailWithClearMessages() {
        MultiLayerNetwork net = LayerTesting.net(4, STEPS, 2, RNNFormat.NCW, SequenceBatchNormalization.keras());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.output(Nd4j.zeros(DataType.DOUBLE, 2, 5, STEPS)));
        assertTrue(e.getMessage().contains("input") && e.getMessage().contains("[batch, 4, steps]")
                && e.getMessage().contains("[2, 5, " + STEPS + "]"), e.getMessage());

        BatchNormalization logStd = new BatchNormalization.Builder().useLogStd(true).build();
        e = assertThrows(IllegalArgumentException.class, () -> SequenceBatchNormalization.of(logStd));
        assertTrue(e.getMessage().contains("useLogStd"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new NeuralNetConfiguration.Builder()
                .list(SequenceBatchNormalization.keras(), new RnnOutputLayer.Builder(LossFunction.MSE).nOut(1).build())
                .setInputType(InputType.feedForward(4)).build());
        assertTrue(e.getMessage().contains("inputType") && e.getMessage().contains("recurrent"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NeuralNetConfiguration.Builder()
                .list(SequenceBatchNormalization.keras(), new RnnOutputLayer.Builder(LossFunction.MSE).nOut(1)
                        .dataFormat(RNNFormat.NWC).build())
                .setInputType(InputType.recurrent(4, STEPS, RNNFormat.NWC)).build());
        assertTrue(e.getMessage().contains("NCW") && e.getMessage().contains("NWC"), e.getMessage());
    }

    @Test
    void theChapterModelUsesTheFastLayer() {
        MultiLayerNetwork net = Models.deepRnnWithBatchNorm(50, 10);
        assertInstanceOf(SequenceBatchNormalization.class, net.getLayerWiseConfigurations().getConf(1).getLayer());
        assertInstanceOf(SequenceBatchNormalization.class, net.getLayerWiseConfigurations().getConf(3).getLayer());
        assertEquals(80, net.getLayer(1).numParams());
    }
}
