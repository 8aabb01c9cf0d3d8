package io.github.seqbook.layers;

import static io.github.seqbook.layers.LayerTesting.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KerasSimpleRnnTest extends RecurrentLayerContractTest {
    @Override
    KerasSimpleRnn.Builder builder() {
        return new KerasSimpleRnn.Builder();
    }

    @Override
    Class<KerasSimpleRnn> layerClass() {
        return KerasSimpleRnn.class;
    }

    @Override
    double[][][] reference(double[][][] x, org.deeplearning4j.nn.api.Layer p) {
        return reference(x, p.getParam("W").toDoubleMatrix(), p.getParam("RW").toDoubleMatrix(),
                p.getParam("b").toDoubleVector());
    }

    @Override
    MultiLayerNetwork roundTripNet() {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, withDropout(layer(4), 0.2));
        LayerTesting.randomizeParams(net, 0.8, 7);
        return net;
    }

    /** Also a model with the layer inside LastTimeStep. */
    @Override
    @Test
    void savedModelAndJsonRoundTrip() throws Exception {
        super.savedModelAndJsonRoundTrip();
        MultiLayerNetwork wrapped = lastStepNet(layer(4), layer(3));
        LayerTesting.assertJsonRoundTrip(wrapped, KerasSimpleRnn.class);
        LayerTesting.saveAndLoad(wrapped, LayerTesting.ncwInput(3, 2, 6, 19));
    }

    /** DL4J's own SimpleRnn, configured as the chapter configured it before this layer existed. */
    private static SimpleRnn dl4jLayer(int units) {
        return new SimpleRnn.Builder().nOut(units).activation(Activation.TANH).weightInit(WeightInit.XAVIER_UNIFORM)
                .weightInitRecurrent(new OrthogonalInit()).dataFormat(RNNFormat.NCW).build();
    }

    /** Two layers (4 then 3 units) and a dense output on the last step, on 2 inputs and 6 steps. */
    private static MultiLayerNetwork lastStepNet(Layer first, Layer second) {
        return LayerTesting.denseOutputNet(2, 6, 2, first, new LastTimeStep(second));
    }

    @Test
    void parameterCountsEqualKeras() {
        // Keras SimpleRNN(20): 1*20 + 20*20 + 20 = 440 on 1 input, 20*20 + 20*20 + 20 = 820 on 20.
        MultiLayerNetwork net = LayerTesting.net(1, 50, 10, RNNFormat.NCW, layer(20), layer(20));
        assertEquals(440, net.getLayer(0).numParams());
        assertEquals(820, net.getLayer(1).numParams());
        assertArrayEquals(new long[] {1, 20}, net.getLayer(0).getParam(KerasSimpleRnn.KERNEL).shape());
        assertArrayEquals(new long[] {20, 20}, net.getLayer(0).getParam(KerasSimpleRnn.RECURRENT_KERNEL).shape());
        assertArrayEquals(new long[] {20}, net.getLayer(0).getParam(KerasSimpleRnn.BIAS).shape());
    }

    @Test
    void initialisationIsKeras() {
        MultiLayerNetwork net = LayerTesting.net(1, 50, 10, RNNFormat.NCW, layer(20), layer(20));
        INDArray w = net.getLayer(1).getParam(KerasSimpleRnn.KERNEL);
        double limit = Math.sqrt(6.0 / (20 + 20));
        assertTrue(w.amaxNumber().doubleValue() <= limit && w.amaxNumber().doubleValue() > 0.8 * limit);
        INDArray u = net.getLayer(0).getParam(KerasSimpleRnn.RECURRENT_KERNEL);
        assertTrue(u.transpose().mmul(u).equalsWithEps(Nd4j.eye(20).castTo(u.dataType()), 1e-10), "orthogonal");
        assertEquals(0.0, net.getLayer(0).getParam(KerasSimpleRnn.BIAS).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void sameSeedGivesDl4jSimpleRnnsWeightsOutputsAndGradients() {
        // The chapter's seeds were tuned with DL4J's SimpleRnn: the same seed must give the same network.
        MultiLayerNetwork ours = LayerTesting.net(1, 7, 3, RNNFormat.NCW, layer(5), layer(4));
        MultiLayerNetwork theirs = LayerTesting.net(1, 7, 3, RNNFormat.NCW, dl4jLayer(5), dl4jLayer(4));
        assertSameWeights(ours, theirs, 2);
        INDArray x = LayerTesting.ncwInput(3, 1, 7, 3);
        INDArray y = LayerTesting.ncwInput(3, 3, 7, 4);
        assertTrue(ours.output(x).equalsWithEps(theirs.output(x), 1e-12));
        Map<String, INDArray> g1 = LayerTesting.gradients(ours, x, y);
        Map<String, INDArray> g2 = LayerTesting.gradients(theirs, x, y);
        assertEquals(g2.keySet(), g1.keySet());
        g1.forEach((k, g) -> assertTrue(g.equalsWithEps(g2.get(k).reshape(g.shape()), 1e-12), k + ": " + g + " vs " + g2.get(k)));
    }

    /** Same values under each key of the first {@code layers} layers (DL4J stores its arrays in 'f' order). */
    static void assertSameWeights(MultiLayerNetwork ours, MultiLayerNetwork theirs, int layers) {
        for (int i = 0; i < layers; i++) {
            for (String key : new String[] {"W", "RW", "b"}) {
                INDArray a = ours.getLayer(i).getParam(key);
                INDArray b = theirs.getLayer(i).getParam(key).reshape(a.shape());
                assertEquals(b, a, "layer " + i + " " + key);
            }
        }
    }

    @Test
    void floatModelLayerMatchesReferenceWithin1e5() {
        MultiLayerNetwork net = io.github.seqbook.models.Models.sequenceToSequenceRnn(50, 10);
        var p = net.getLayer(1);
        Nd4j.getRandom().setSeed(5);
        p.getParam("b").assign(Nd4j.rand(DataType.FLOAT, 20).subi(0.5));
        INDArray x = LayerTesting.ncwInput(4, 20, 50, 3).castTo(DataType.FLOAT);
        double[][][] expected = reference(LayerTesting.toBatchStepFeature(x), p.getParam("W").toDoubleMatrix(),
                p.getParam("RW").toDoubleMatrix(), p.getParam("b").toDoubleVector());
        INDArray out = p.activate(x, false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        double diff = maxAbsDiff(expected, LayerTesting.toBatchStepFeature(out));
        assertTrue(diff < 1e-5, "max diff " + diff);
    }

    @Test
    void lastTimeStepModelMatchesDl4jSimpleRnn() {
        MultiLayerNetwork ours = lastStepNet(layer(4), layer(3));
        MultiLayerNetwork theirs = lastStepNet(dl4jLayer(4), dl4jLayer(3));
        assertSameWeights(ours, theirs, 1);
        INDArray x = LayerTesting.ncwInput(3, 2, 6, 21);
        assertTrue(ours.output(x).equalsWithEps(theirs.output(x), 1e-12));
    }

    @Test
    void dropoutAndRecurrentDropConnectDrawAsDl4jSimpleRnn() {
        // MC Dropout (net.output(x, true)) and training with dropout must see the masks DL4J's layer saw.
        MultiLayerNetwork ours = LayerTesting.net(1, 6, 2, RNNFormat.NCW, withDropout(layer(5), 0.3), withDropout(layer(4), 0.3));
        MultiLayerNetwork theirs = LayerTesting.net(1, 6, 2, RNNFormat.NCW, withDropout(dl4jLayer(5), 0.3),
                withDropout(dl4jLayer(4), 0.3));
        assertSameWeights(ours, theirs, 2);
        INDArray x = LayerTesting.ncwInput(3, 1, 6, 31);
        INDArray y = LayerTesting.ncwInput(3, 2, 6, 32);
        for (long seed : new long[] {1, 2, 3}) {
            Nd4j.getRandom().setSeed(seed);
            INDArray a = ours.output(x, true);
            Nd4j.getRandom().setSeed(seed);
            INDArray b = theirs.output(x, true);
            assertTrue(a.equalsWithEps(b, 1e-12), "seed " + seed);
        }
        Nd4j.getRandom().setSeed(4);
        Map<String, INDArray> g1 = LayerTesting.gradients(ours, x, y);
        Nd4j.getRandom().setSeed(4);
        Map<String, INDArray> g2 = LayerTesting.gradients(theirs, x, y);
        g1.forEach((k, g) -> assertTrue(g.equalsWithEps(g2.get(k).reshape(g.shape()), 1e-12), k));
    }

    /** Keras' SimpleRNN in plain Java: x [batch][step][in], kernel [in][u], recurrent [u][u], bias [u]. */
    static double[][][] reference(double[][][] x, double[][] kernel, double[][] recurrent, double[] bias) {
        int u = bias.length;
        double[][][] out = new double[x.length][x[0].length][u];
        for (int n = 0; n < x.length; n++) {
            double[] h = new double[u];
            for (int t = 0; t < x[n].length; t++) {
                double[] next = new double[u];
                for (int j = 0; j < u; j++) {
                    double s = bias[j];
                    for (int i = 0; i < x[n][t].length; i++) {
                        s += x[n][t][i] * kernel[i][j];
                    }
                    for (int k = 0; k < u; k++) {
                        s += h[k] * recurrent[k][j];
                    }
                    next[j] = Math.tanh(s);
                }
                h = next;
                out[n][t] = h.clone();
            }
        }
        return out;
    }
}
