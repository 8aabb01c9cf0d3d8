package io.github.seqbook.layers;

import static io.github.seqbook.layers.LayerTesting.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class GruTest extends RecurrentLayerContractTest {
    @Override
    Gru.Builder builder() {
        return new Gru.Builder();
    }

    @Override
    Class<Gru> layerClass() {
        return Gru.class;
    }

    @Override
    double[][][] reference(double[][][] x, org.deeplearning4j.nn.api.Layer p) {
        return reference(x, p.getParam(Gru.KERNEL).toDoubleMatrix(), p.getParam(Gru.RECURRENT_KERNEL).toDoubleMatrix(),
                p.getParam(Gru.BIAS).toDoubleMatrix());
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
