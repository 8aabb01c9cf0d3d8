package io.github.seqbook.layers;

import static io.github.seqbook.layers.LayerTesting.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The layer-normalized simple RNN, as one layer ({@link LayerNormSimpleRnn}) and as a cell in a {@link RecurrentLoop}. */
class LayerNormSimpleRnnTest {
    private static Layer layer(int units) {
        return new LayerNormSimpleRnn.Builder().nOut(units).build();
    }

    private static Layer loop(int units) {
        return new RecurrentLoop.Builder().cell(new LayerNormSimpleRnnCell(units)).build();
    }

    private static MultiLayerNetwork small(Layer layer) {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, layer);
        LayerTesting.randomizeParams(net, 0.8, 7);
        return net;
    }

    @Test
    void parameterCountsEqualKeras() {
        // SimpleRNNCell(20) on 1 input: 20 + 400 + 20; LayerNormalization: gamma and beta, 20 each.
        for (Layer l : new Layer[] {layer(20), loop(20)}) {
            MultiLayerNetwork net = LayerTesting.net(1, 50, 10, RNNFormat.NCW, l);
            assertEquals(480, net.getLayer(0).numParams());
            assertArrayEquals(new long[] {1, 20}, net.getLayer(0).getParam("W").shape());
            assertArrayEquals(new long[] {20}, net.getLayer(0).getParam("gamma").shape());
            assertEquals(20.0, net.getLayer(0).getParam("gamma").sumNumber().doubleValue(), 0.0);
            assertEquals(0.0, net.getLayer(0).getParam("beta").amaxNumber().doubleValue(), 0.0);
        }
    }

    @Test
    void forwardMatchesPlainJavaReference() {
        for (Layer l : new Layer[] {layer(4), loop(4)}) {
            MultiLayerNetwork net = small(l);
            INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
            var p = net.getLayer(0);
            double[][][] expected = reference(LayerTesting.toBatchStepFeature(x), p.getParam("W").toDoubleMatrix(),
                    p.getParam("RW").toDoubleMatrix(), p.getParam("b").toDoubleVector(),
                    p.getParam("gamma").toDoubleVector(), p.getParam("beta").toDoubleVector(), 1e-3);
            double diff = maxAbsDiff(expected, LayerTesting.layerOutput(net, 0, x));
            assertTrue(diff < 1e-10, l.getClass().getSimpleName() + " max diff " + diff);
        }
    }

    @Test
    void floatModelLayersMatchReferenceWithin1e5() {
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {io.github.seqbook.models.Models.layerNormRnn(50, 10),
                io.github.seqbook.models.Models.customRnn(50, 10)}) {
            var p = net.getLayer(0);
            org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(5);
            for (String key : new String[] {"b", "gamma", "beta"}) { // away from the zero/one initial values
                p.getParam(key).addi(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 20).subi(0.5));
            }
            INDArray x = LayerTesting.ncwInput(4, 1, 50, 3).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            double[][][] expected = reference(LayerTesting.toBatchStepFeature(x), p.getParam("W").toDoubleMatrix(),
                    p.getParam("RW").toDoubleMatrix(), p.getParam("b").toDoubleVector(),
                    p.getParam("gamma").toDoubleVector(), p.getParam("beta").toDoubleVector(), 1e-3);
            double diff = maxAbsDiff(expected, LayerTesting.layerOutput(net, 0, x));
            assertTrue(diff < 1e-5, "max diff " + diff);
        }
    }

    @Test
    void epsilonIsInsideTheSquareRoot() {
        // A step whose pre-activations barely vary: without Keras' epsilon the output would be ±tanh(1)-like.
        MultiLayerNetwork net = LayerTesting.net(1, 1, 1, RNNFormat.NCW, layer(4));
        INDArray w = net.getLayer(0).getParam("W");
        w.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][] {{0.01, -0.01, 0.02, -0.02}}));
        INDArray x = org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, 1, 1);
        double[][][] expected = reference(new double[][][] {{{1}}}, w.toDoubleMatrix(),
                net.getLayer(0).getParam("RW").toDoubleMatrix(), new double[4], new double[] {1, 1, 1, 1},
                new double[4], 1e-3);
        assertEquals(expected[0][0][2], LayerTesting.layerOutput(net, 0, x)[0][0][2], 1e-12);
        assertTrue(expected[0][0][2] < 0.6, "variance 2.5e-4 against epsilon 1e-3 must shrink the output");
    }

    @Test
    void loopAndLayerComputeTheSameFunction() {
        MultiLayerNetwork a = small(layer(4));
        MultiLayerNetwork b = small(loop(4));
        assertEquals(a.params(), b.params());
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 29);
        assertTrue(a.output(x).equalsWithEps(b.output(x), 1e-12));
        INDArray y = LayerTesting.ncwInput(3, 3, 5, 31);
        a.setInput(x);
        a.setLabels(y);
        a.computeGradientAndScore();
        b.setInput(x);
        b.setLabels(y);
        b.computeGradientAndScore();
        assertTrue(a.gradient().gradient().equalsWithEps(b.gradient().gradient(), 1e-12));
    }

    @Test
    void layerPassesNumericalGradientCheck() {
        MultiLayerNetwork net = small(layer(4));
        assertTrue(LayerTesting.gradientsMatch(net, LayerTesting.ncwInput(3, 2, 5, 13), LayerTesting.ncwInput(3, 3, 5, 17)));
    }

    @Test
    void loopPassesNumericalGradientCheck() {
        MultiLayerNetwork net = small(loop(4));
        assertTrue(LayerTesting.gradientsMatch(net, LayerTesting.ncwInput(3, 2, 5, 13), LayerTesting.ncwInput(3, 3, 5, 17)));
    }

    @Test
    void stackedLayersPassGradientCheck() {
        MultiLayerNetwork net = LayerTesting.net(1, 4, 2, RNNFormat.NCW, layer(3), loop(4));
        LayerTesting.randomizeParams(net, 0.8, 3);
        assertTrue(LayerTesting.gradientsMatch(net, LayerTesting.ncwInput(2, 1, 4, 5), LayerTesting.ncwInput(2, 2, 4, 6)));
    }

    @Test
    void savedModelsAndJsonRoundTrip() throws Exception {
        MultiLayerNetwork net = small(new LayerNormSimpleRnn.Builder().nOut(4).epsilon(0.01).build());
        LayerTesting.assertJsonRoundTrip(net, LayerNormSimpleRnn.class);
        MultiLayerNetwork back = LayerTesting.saveAndLoad(net, LayerTesting.ncwInput(3, 2, 5, 19));
        assertEquals(0.01, ((LayerNormSimpleRnn) back.getLayerWiseConfigurations().getConf(0).getLayer()).getEpsilon());

        MultiLayerNetwork loopNet = small(new RecurrentLoop.Builder().cell(new LayerNormSimpleRnnCell(4, 0.02)).build());
        LayerTesting.assertJsonRoundTrip(loopNet, LayerNormSimpleRnnCell.class);
        MultiLayerNetwork loopBack = LayerTesting.saveAndLoad(loopNet, LayerTesting.ncwInput(3, 2, 5, 19));
        RecurrentLoop conf = (RecurrentLoop) loopBack.getLayerWiseConfigurations().getConf(0).getLayer();
        assertEquals(new LayerNormSimpleRnnCell(4, 0.02), conf.getCell());
    }

    @Test
    void rnnTimeStepContinuesFromTheStoredState() {
        for (Layer l : new Layer[] {layer(4), loop(4)}) {
            MultiLayerNetwork net = small(l);
            INDArray x = LayerTesting.ncwInput(2, 2, 5, 23);
            INDArray full = net.output(x);
            net.rnnClearPreviousState();
            net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2)));
            INDArray rest = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, 5)));
            assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, 5)).equalsWithEps(rest, 1e-12));
        }
    }

    /**
     * The book's LNSimpleRNNCell in plain Java: s = x·W + h·RW + b; h' = tanh(gamma ⊙ (s - mean) / sqrt(var + eps) + beta).
     */
    static double[][][] reference(double[][][] x, double[][] kernel, double[][] recurrent, double[] bias,
                                  double[] gamma, double[] beta, double eps) {
        int u = recurrent.length;
        double[][][] out = new double[x.length][x[0].length][u];
        for (int n = 0; n < x.length; n++) {
            double[] h = new double[u];
            for (int t = 0; t < x[n].length; t++) {
                double[] s = new double[u];
                for (int j = 0; j < u; j++) {
                    s[j] = bias[j];
                    for (int i = 0; i < x[n][t].length; i++) {
                        s[j] += x[n][t][i] * kernel[i][j];
                    }
                    for (int k = 0; k < u; k++) {
                        s[j] += h[k] * recurrent[k][j];
                    }
                }
                double mean = 0;
                for (double v : s) {
                    mean += v / u;
                }
                double var = 0;
                for (double v : s) {
                    var += (v - mean) * (v - mean) / u;
                }
                double[] next = new double[u];
                for (int j = 0; j < u; j++) {
                    next[j] = Math.tanh(gamma[j] * (s[j] - mean) / Math.sqrt(var + eps) + beta[j]);
                }
                h = next;
                out[n][t] = h.clone();
            }
        }
        return out;
    }
}
