package io.github.seqbook.layers;

import static io.github.seqbook.layers.LayerTesting.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GruTest {
    private static MultiLayerNetwork smallNet(RNNFormat format) {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, format, new Gru.Builder().nOut(4).dataFormat(format).build());
        LayerTesting.randomizeParams(net, 0.8, 7);
        return net;
    }

    @Test
    void parameterCountsEqualKeras() {
        // Keras GRU(20) on 1 input (reset_after=True): 3 * (1*20 + 20*20 + 2*20) = 1380.
        MultiLayerNetwork net = LayerTesting.net(1, 50, 10, RNNFormat.NCW, new Gru.Builder().nOut(20).build());
        assertEquals(1380, net.getLayer(0).numParams());
        assertArrayEquals(new long[] {1, 60}, net.getLayer(0).getParam(Gru.KERNEL).shape());
        assertArrayEquals(new long[] {20, 60}, net.getLayer(0).getParam(Gru.RECURRENT_KERNEL).shape());
        assertArrayEquals(new long[] {2, 60}, net.getLayer(0).getParam(Gru.BIAS).shape());
    }

    @Test
    void initialisationIsKeras() {
        MultiLayerNetwork net = LayerTesting.net(1, 50, 10, RNNFormat.NCW, new Gru.Builder().nOut(20).build());
        INDArray w = net.getLayer(0).getParam(Gru.KERNEL);
        double limit = Math.sqrt(6.0 / (1 + 60));
        assertTrue(w.amaxNumber().doubleValue() <= limit && w.amaxNumber().doubleValue() > limit / 2);
        INDArray u = net.getLayer(0).getParam(Gru.RECURRENT_KERNEL);
        // Keras' orthogonal on a wide [20, 60] matrix: orthonormal rows.
        assertTrue(u.mmul(u.transpose()).equalsWithEps(org.nd4j.linalg.factory.Nd4j.eye(20).castTo(u.dataType()), 1e-6));
        assertEquals(0.0, net.getLayer(0).getParam(Gru.BIAS).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void forwardMatchesPlainJavaReference() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
        double[][][] expected = reference(LayerTesting.toBatchStepFeature(x),
                net.getLayer(0).getParam(Gru.KERNEL).toDoubleMatrix(),
                net.getLayer(0).getParam(Gru.RECURRENT_KERNEL).toDoubleMatrix(),
                net.getLayer(0).getParam(Gru.BIAS).toDoubleMatrix());
        double[][][] actual = LayerTesting.layerOutput(net, 0, x);
        assertTrue(maxAbsDiff(expected, actual) < 1e-10, "max diff " + maxAbsDiff(expected, actual));
    }

    @Test
    void floatModelLayerMatchesReferenceWithin1e5() {
        MultiLayerNetwork net = io.github.seqbook.models.Models.gru(50, 10);
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(5);
        net.getLayer(0).getParam(Gru.BIAS).assign(org.nd4j.linalg.factory.Nd4j.rand(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 60).subi(0.5)); // non-zero biases, both rows
        INDArray x = LayerTesting.ncwInput(4, 1, 50, 3).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        double[][][] expected = reference(LayerTesting.toBatchStepFeature(x),
                net.getLayer(0).getParam(Gru.KERNEL).toDoubleMatrix(),
                net.getLayer(0).getParam(Gru.RECURRENT_KERNEL).toDoubleMatrix(),
                net.getLayer(0).getParam(Gru.BIAS).toDoubleMatrix());
        double diff = maxAbsDiff(expected, LayerTesting.layerOutput(net, 0, x));
        assertTrue(diff < 1e-5, "max diff " + diff);
    }

    @Test
    void nwcGivesTheSameSequenceAsNcw() {
        MultiLayerNetwork ncw = smallNet(RNNFormat.NCW);
        MultiLayerNetwork nwc = smallNet(RNNFormat.NWC);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
        INDArray outNcw = ncw.output(x);
        INDArray outNwc = nwc.output(x.permute(0, 2, 1).dup());
        assertTrue(outNcw.equalsWithEps(outNwc.permute(0, 2, 1), 1e-12));
    }

    @Test
    void passesNumericalGradientCheck() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 13);
        INDArray y = LayerTesting.ncwInput(3, 3, 5, 17);
        assertTrue(LayerTesting.gradientsMatch(net, x, y));
    }

    @Test
    void passesNumericalGradientCheckInNwc() {
        MultiLayerNetwork net = smallNet(RNNFormat.NWC);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 13).permute(0, 2, 1).dup();
        INDArray y = LayerTesting.ncwInput(3, 3, 5, 17).permute(0, 2, 1).dup();
        assertTrue(LayerTesting.gradientsMatch(net, x, y));
    }

    @Test
    void backpropRecomputesWhenTheKeptForwardPassIsStale() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        net.initGradientsView();
        org.deeplearning4j.nn.api.Layer layer = net.getLayer(0);
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray a = LayerTesting.ncwInput(3, 2, 5, 41);
        INDArray b = LayerTesting.ncwInput(3, 2, 5, 43);
        INDArray eps = LayerTesting.ncwInput(3, 4, 5, 47);
        layer.setInput(b, mgr);
        layer.activate(true, mgr);
        INDArray expectedGrad = layer.backpropGradient(eps, mgr).getFirst().gradient().dup();
        // A forward pass on a, then new input b without a forward pass: backprop must use b.
        layer.setInput(a, mgr);
        layer.activate(true, mgr);
        layer.setInput(b, mgr);
        INDArray grad = layer.backpropGradient(eps, mgr).getFirst().gradient();
        assertEquals(expectedGrad, grad);
    }

    @Test
    void recurrentDropConnectAppliesToTheRecurrentKernelInTrainingOnly() {
        Gru layer = new Gru.Builder().nOut(4).build();
        layer.setWeightNoise(new RecurrentDropConnect(0.5));
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, layer);
        LayerTesting.randomizeParams(net, 0.8, 7);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
        assertEquals(net.output(x, false), net.output(x, false));
        INDArray train1 = net.feedForward(x, true).get(1);
        INDArray train2 = net.feedForward(x, true).get(1);
        assertTrue(!train1.equalsWithEps(train2, 1e-6), "a new DropConnect mask for each training pass");
        INDArray y = LayerTesting.ncwInput(3, 3, 5, 17);
        INDArray before = net.params().dup();
        net.fit(x, y); // the masked weights of the forward pass are the ones backpropagated
        assertTrue(!before.equals(net.params()));
    }

    @Test
    void stackedLayersPassGradientCheck() {
        MultiLayerNetwork net = LayerTesting.net(1, 4, 2, RNNFormat.NCW,
                new Gru.Builder().nOut(3).build(), new Gru.Builder().nOut(4).build());
        LayerTesting.randomizeParams(net, 0.8, 3);
        assertTrue(LayerTesting.gradientsMatch(net, LayerTesting.ncwInput(2, 1, 4, 5), LayerTesting.ncwInput(2, 2, 4, 6)));
    }

    @Test
    void savedModelAndJsonRoundTrip() throws Exception {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        LayerTesting.assertJsonRoundTrip(net, Gru.class);
        LayerTesting.saveAndLoad(net, LayerTesting.ncwInput(3, 2, 5, 19));
    }

    @Test
    void rnnTimeStepContinuesFromTheStoredState() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        INDArray x = LayerTesting.ncwInput(2, 2, 5, 23);
        INDArray full = net.output(x);
        net.rnnClearPreviousState();
        INDArray first = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)));
        INDArray rest = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, 5)));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, 5)).equalsWithEps(rest, 1e-12));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).equalsWithEps(first, 1e-12));
    }

    @Test
    void refusesOtherActivations() {
        var e = assertThrows(IllegalStateException.class, () -> LayerTesting.net(1, 5, 1, RNNFormat.NCW,
                new Gru.Builder().nOut(2).activation(Activation.RELU).build()));
        assertTrue(e.getMessage().contains("tanh"), e.getMessage());
    }

    /** Keras' GRU (reset_after=True) in plain Java: x [batch][step][in], kernel [in][3u], recurrent [u][3u], bias [2][3u]. */
    static double[][][] reference(double[][][] x, double[][] kernel, double[][] recurrent, double[][] bias) {
        int u = recurrent.length;
        double[][][] out = new double[x.length][x[0].length][u];
        for (int n = 0; n < x.length; n++) {
            double[] h = new double[u];
            for (int t = 0; t < x[n].length; t++) {
                double[] xp = new double[3 * u];
                double[] rp = new double[3 * u];
                for (int j = 0; j < 3 * u; j++) {
                    xp[j] = bias[0][j];
                    for (int i = 0; i < x[n][t].length; i++) {
                        xp[j] += x[n][t][i] * kernel[i][j];
                    }
                    rp[j] = bias[1][j];
                    for (int k = 0; k < u; k++) {
                        rp[j] += h[k] * recurrent[k][j];
                    }
                }
                double[] next = new double[u];
                for (int k = 0; k < u; k++) {
                    double z = LayerTesting.sigmoid(xp[k] + rp[k]);
                    double r = LayerTesting.sigmoid(xp[u + k] + rp[u + k]);
                    double candidate = Math.tanh(xp[2 * u + k] + r * rp[2 * u + k]);
                    next[k] = z * h[k] + (1 - z) * candidate;
                }
                h = next;
                out[n][t] = h.clone();
            }
        }
        return out;
    }
}
