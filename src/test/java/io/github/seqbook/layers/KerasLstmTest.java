package io.github.seqbook.layers;

import static io.github.seqbook.layers.LayerTesting.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class KerasLstmTest extends RecurrentLayerContractTest {
    @Override
    KerasLstm.Builder builder() {
        return new KerasLstm.Builder();
    }

    @Override
    Class<KerasLstm> layerClass() {
        return KerasLstm.class;
    }

    @Override
    double[][][] reference(double[][][] x, org.deeplearning4j.nn.api.Layer p) {
        return reference(x, p.getParam("W").toDoubleMatrix(), p.getParam("RW").toDoubleMatrix(),
                p.getParam("b").toDoubleVector());
    }

    /** rnnTimeStep carries the cell state as well as the output. */
    @Override
    void assertStoredState(MultiLayerNetwork net) {
        assertEquals(java.util.Set.of("h", KerasLstm.CELL_STATE_KEY), net.rnnGetPreviousState(0).keySet());
    }

    @Override
    MultiLayerNetwork roundTripNet() {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW,
                withDropout(new KerasLstm.Builder().nOut(4).forgetGateBiasInit(2.0).build(), 0.2));
        LayerTesting.randomizeParams(net, 0.8, 7);
        return net;
    }

    @Override
    @Test
    void savedModelAndJsonRoundTrip() throws Exception {
        super.savedModelAndJsonRoundTrip();
        assertTrue(roundTripNet().getLayerWiseConfigurations().toJson().contains("\"forgetGateBiasInit\" : 2.0"));
    }

    @Override
    @Test
    void refusesOtherActivations() {
        super.refusesOtherActivations();
        assertThrows(IllegalArgumentException.class, () -> new KerasLstm.Builder().forgetGateBiasInit(Double.NaN));
    }

    /** For each gate block of Keras' order (i, f, c, o), its block in DL4J's LSTM (g, f, o, i). */
    private static final int[] DL4J_BLOCK = {3, 1, 0, 2};

    /** DL4J's own LSTM, configured as the chapter configured it before this layer existed. */
    private static LSTM dl4jLayer(int units) {
        return new LSTM.Builder().nOut(units).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                .forgetGateBiasInit(1.0).weightInit(new KerasGlorotUniform()).weightInitRecurrent(new OrthogonalInit())
                .dataFormat(RNNFormat.NCW).build();
    }

    /** DL4J's LSTM array (columns in its gate order) with its columns moved to Keras' order. */
    private static INDArray inKerasOrder(INDArray dl4j, int units) {
        INDArray m = dl4j.rank() == 1 ? dl4j.reshape(1, dl4j.length()) : dl4j;
        INDArray out = Nd4j.create(m.dataType(), m.shape());
        for (int k = 0; k < 4; k++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(k * units, (k + 1) * units)).assign(
                    m.get(NDArrayIndex.all(), NDArrayIndex.interval(DL4J_BLOCK[k] * units, (DL4J_BLOCK[k] + 1) * units)));
        }
        return out;
    }

    private static void assertSameGates(INDArray keras, INDArray dl4j, int units, double eps, String what) {
        INDArray expected = inKerasOrder(dl4j, units);
        INDArray actual = keras.reshape(expected.shape());
        assertTrue(actual.equalsWithEps(expected, eps), what + ": " + actual + " vs " + expected);
    }

    @Test
    void parameterCountsEqualKeras() {
        // Keras LSTM(20): 4 * (1*20 + 20*20 + 20) = 1760 on 1 input, 4 * (20*20 + 20*20 + 20) = 3280 on 20.
        MultiLayerNetwork net = LayerTesting.net(1, 50, 10, RNNFormat.NCW, layer(20), layer(20));
        assertEquals(1760, net.getLayer(0).numParams());
        assertEquals(3280, net.getLayer(1).numParams());
        assertArrayEquals(new long[] {1, 80}, net.getLayer(0).getParam(KerasLstm.KERNEL).shape());
        assertArrayEquals(new long[] {20, 80}, net.getLayer(0).getParam(KerasLstm.RECURRENT_KERNEL).shape());
        assertArrayEquals(new long[] {80}, net.getLayer(0).getParam(KerasLstm.BIAS).shape());
    }

    @Test
    void initialisationIsKeras() {
        MultiLayerNetwork net = LayerTesting.net(1, 50, 10, RNNFormat.NCW, layer(20));
        INDArray w = net.getLayer(0).getParam(KerasLstm.KERNEL);
        double limit = Math.sqrt(6.0 / (1 + 80)); // Keras' glorot_uniform fans of a [1, 80] kernel
        assertTrue(w.amaxNumber().doubleValue() <= limit && w.amaxNumber().doubleValue() > 0.8 * limit);
        INDArray rw = net.getLayer(0).getParam(KerasLstm.RECURRENT_KERNEL);
        assertTrue(rw.mmul(rw.transpose()).equalsWithEps(Nd4j.eye(20).castTo(rw.dataType()), 1e-10), "orthonormal rows");
        INDArray b = net.getLayer(0).getParam(KerasLstm.BIAS);
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 80);
        expected.get(NDArrayIndex.interval(20, 40)).assign(1.0); // unit_forget_bias: the f block
        assertEquals(expected, b);
        MultiLayerNetwork noForgetBias = LayerTesting.net(1, 50, 10, RNNFormat.NCW,
                new KerasLstm.Builder().nOut(20).forgetGateBiasInit(0.0).build());
        assertEquals(0.0, noForgetBias.getLayer(0).getParam(KerasLstm.BIAS).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void sameSeedGivesDl4jLstmsGatesOutputsAndGradients() {
        // Models.lstm used DL4J's LSTM before: the same seed must give the same network, gates in Keras' order.
        MultiLayerNetwork ours = LayerTesting.net(1, 7, 3, RNNFormat.NCW, layer(5), layer(4));
        MultiLayerNetwork theirs = LayerTesting.net(1, 7, 3, RNNFormat.NCW, dl4jLayer(5), dl4jLayer(4));
        int[] units = {5, 4};
        for (int i = 0; i < 2; i++) {
            for (String key : new String[] {"W", "RW", "b"}) {
                assertSameGates(ours.getLayer(i).getParam(key), theirs.getLayer(i).getParam(key), units[i], 0.0, i + key);
            }
        }
        INDArray x = LayerTesting.ncwInput(3, 1, 7, 3);
        INDArray y = LayerTesting.ncwInput(3, 3, 7, 4);
        assertTrue(ours.output(x).equalsWithEps(theirs.output(x), 1e-12));
        Map<String, INDArray> g1 = LayerTesting.gradients(ours, x, y);
        Map<String, INDArray> g2 = LayerTesting.gradients(theirs, x, y);
        assertEquals(g2.keySet(), g1.keySet());
        for (int i = 0; i < 2; i++) {
            for (String key : new String[] {"W", "RW", "b"}) {
                assertSameGates(g1.get(i + "_" + key), g2.get(i + "_" + key), units[i], 1e-12, "gradient " + i + key);
            }
        }
        assertTrue(g1.get("2_W").equalsWithEps(g2.get("2_W"), 1e-12));
    }

    @Test
    void floatModelLayerMatchesReferenceWithin1e5() {
        MultiLayerNetwork net = io.github.seqbook.models.Models.lstm(50, 10);
        var p = net.getLayer(0);
        Nd4j.getRandom().setSeed(5);
        p.getParam("b").addi(Nd4j.rand(DataType.FLOAT, 80).subi(0.5));
        INDArray x = LayerTesting.ncwInput(4, 1, 50, 3).castTo(DataType.FLOAT);
        double[][][] expected = reference(LayerTesting.toBatchStepFeature(x), p.getParam("W").toDoubleMatrix(),
                p.getParam("RW").toDoubleMatrix(), p.getParam("b").toDoubleVector());
        double diff = maxAbsDiff(expected, LayerTesting.layerOutput(net, 0, x));
        assertTrue(diff < 1e-5, "max diff " + diff);
    }

    @Test
    void inputDropoutDrawsAsDl4jLstm() {
        // Same seed, same input-dropout masks as DL4J's LSTM. (RecurrentDropConnect drops as many recurrent weights
        // as there, but with the gate columns in another order not the same ones.)
        MultiLayerNetwork ours = LayerTesting.net(1, 6, 2, RNNFormat.NCW, inputDropout(layer(5)), inputDropout(layer(4)));
        MultiLayerNetwork theirs = LayerTesting.net(1, 6, 2, RNNFormat.NCW, inputDropout(dl4jLayer(5)),
                inputDropout(dl4jLayer(4)));
        INDArray x = LayerTesting.ncwInput(3, 1, 6, 31);
        for (long seed : new long[] {1, 2}) {
            Nd4j.getRandom().setSeed(seed);
            INDArray a = ours.output(x, true);
            Nd4j.getRandom().setSeed(seed);
            INDArray b = theirs.output(x, true);
            assertTrue(a.equalsWithEps(b, 1e-12), "seed " + seed);
        }
    }

    private static <T extends BaseRecurrentLayer> T inputDropout(T layer) {
        layer.setIDropout(new Dropout(0.7));
        return layer;
    }

    @Test
    void recurrentDropConnectAloneChangesTrainingPassesOnly() {
        CustomRecurrentLayer l = layer(4);
        l.setWeightNoise(new RecurrentDropConnect(0.5));
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, l);
        LayerTesting.randomizeParams(net, 0.8, 7);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
        assertEquals(net.output(x, false), net.output(x, false));
        assertFalse(net.output(x, true).equalsWithEps(net.output(x, true), 1e-6));
    }

    /** Keras' LSTM in plain Java: x [batch][step][in], kernel [in][4u], recurrent [u][4u], bias [4u], gates i, f, c, o. */
    static double[][][] reference(double[][][] x, double[][] kernel, double[][] recurrent, double[] bias) {
        int u = recurrent.length;
        double[][][] out = new double[x.length][x[0].length][u];
        for (int n = 0; n < x.length; n++) {
            double[] h = new double[u];
            double[] c = new double[u];
            for (int t = 0; t < x[n].length; t++) {
                double[] z = new double[4 * u];
                for (int j = 0; j < 4 * u; j++) {
                    z[j] = bias[j];
                    for (int i = 0; i < x[n][t].length; i++) {
                        z[j] += x[n][t][i] * kernel[i][j];
                    }
                    for (int k = 0; k < u; k++) {
                        z[j] += h[k] * recurrent[k][j];
                    }
                }
                double[] hNext = new double[u];
                double[] cNext = new double[u];
                for (int k = 0; k < u; k++) {
                    double in = LayerTesting.sigmoid(z[k]);
                    double forget = LayerTesting.sigmoid(z[u + k]);
                    double candidate = Math.tanh(z[2 * u + k]);
                    double output = LayerTesting.sigmoid(z[3 * u + k]);
                    cNext[k] = forget * c[k] + in * candidate;
                    hNext[k] = output * Math.tanh(cNext[k]);
                }
                h = hNext;
                c = cNext;
                out[n][t] = h.clone();
            }
        }
        return out;
    }
}
