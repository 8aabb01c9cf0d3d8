package io.github.seqbook.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

import io.github.seqbook.layers.KerasGlorotUniform;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The models of "Processing sequences using 1D convolutional layers" and "WaveNet". */
class ConvModelsTest {
    static final int BATCH = 8;

    static INDArray input(int steps) {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.randn(DataType.FLOAT, BATCH, 1, steps);
    }

    static INDArray out(Model model, INDArray x) {
        return model instanceof MultiLayerNetwork n ? n.output(x) : ((ComputationGraph) model).outputSingle(x);
    }

    /** Largest |a - b| over the batch and channels at each output step. */
    static double[] changePerStep(INDArray a, INDArray b) {
        INDArray d = Nd4j.math().abs(a.sub(b)).max(0, 1);
        return d.toDoubleVector();
    }

    @Test
    void parameterCountsEqualKeras() {
        // Conv1D(20, kernel_size=4) on 1 channel: 4*1*20 + 20 = 100.
        MultiLayerNetwork convGru = Models.conv1dGru(50, 10);
        assertEquals(100, convGru.getLayer(0).numParams());
        // GRU(20) on 20 inputs, reset_after: 3 * (20*20 + 20*20 + 2*20) = 2520; TimeDistributed(Dense(10)): 210.
        assertEquals(100 + 2520 + 2520 + 210, convGru.numParams());
        // Simplified WaveNet: Conv1D(20, k=2) on 1 channel: 2*1*20 + 20 = 60; seven more on 20 channels:
        // 2*20*20 + 20 = 820 each; Conv1D(10, k=1) on 20: 20*10 + 10 = 210. Total 60 + 7*820 + 210 = 6010.
        assertEquals(60 + 7 * 820 + 210, Models.wavenet(50, 10).numParams());
        // Original WaveNet (n_filters 32): Conv1D(32, k=2) on 1: 2*32 + 32 = 96. Each residual block:
        // Conv1D(64, k=2) on 32: 2*32*64 + 64 = 4160, Conv1D(32, k=1) on 32: 32*32 + 32 = 1056 -> 5216, times 3.
        // Conv1D(32, k=1, relu): 1056; Conv1D(10, k=1, softmax): 32*10 + 10 = 330. Total 17130.
        assertEquals(96 + 3 * (4160 + 1056) + 1056 + 330, Models.originalWavenet(50, 10, false).numParams());
        assertEquals(17130, Models.originalWavenet(50, 10, true).numParams());
    }

    @Test
    void outputShapesAndLengths() {
        assertArrayEquals(new long[] {BATCH, 10, 24}, Models.conv1dGru(50, 10).output(input(50)).shape());
        assertEquals(24, Models.convOutputSteps(50, 4, 2));
        assertArrayEquals(new long[] {BATCH, 10, 50}, Models.wavenet(50, 10).output(input(50)).shape());
        assertArrayEquals(new long[] {BATCH, 10, 50},
                Models.originalWavenet(50, 10, false).outputSingle(input(50)).shape());
        // Causal padding keeps any length, as Keras' input_shape=[None, 1].
        assertArrayEquals(new long[] {BATCH, 10, 70}, Models.wavenet(50, 10).output(input(70)).shape());
    }

    @Test
    void convolutionKernelsUseKerasGlorotLimits() {
        INDArray w = Models.conv1dGru(50, 10).getLayer(0).getParam("W");
        assertArrayEquals(new long[] {20, 1, 4, 1}, w.shape());
        double limit = Math.sqrt(6.0 / (4 + 80)); // fan_in = 4 * 1, fan_out = 4 * 20
        assertTrue(w.amaxNumber().doubleValue() <= limit && w.amaxNumber().doubleValue() > 0.8 * limit,
                "max |w| = " + w.amaxNumber() + ", Keras' limit " + limit);
        assertEquals(0.0, Models.conv1dGru(50, 10).getLayer(0).getParam("b").amaxNumber().doubleValue(), 0.0);
        INDArray gate = Models.originalWavenet(50, 10, false).getLayer("block1_dilated").getParam("W");
        double gateLimit = KerasGlorotUniform.limit(gate.shape()); // sqrt(6 / (2*32 + 2*64))
        assertEquals(Math.sqrt(6.0 / 192), gateLimit, 1e-15);
        assertTrue(gate.amaxNumber().doubleValue() <= gateLimit && gate.amaxNumber().doubleValue() > 0.99 * gateLimit);
    }

    @Test
    void stridedConvolutionOutputSeesInputs2iTo2iPlus3() {
        MultiLayerNetwork net = Models.conv1dGru(50, 10);
        INDArray x = input(50);
        INDArray base = net.feedForwardToLayer(0, x, false).get(1);
        for (int j : new int[] {0, 7, 20, 49}) {
            INDArray xp = x.dup();
            xp.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(j)).addi(1.0);
            double[] change = changePerStep(base, net.feedForwardToLayer(0, xp, false).get(1));
            for (int i = 0; i < 24; i++) {
                boolean sees = 2 * i <= j && j <= 2 * i + 3;
                assertEquals(sees, change[i] > 0, "output " + i + " after perturbing input " + j);
            }
        }
    }

    @Test
    void wavenetsAreCausal() {
        INDArray x = input(50);
        for (Model m : new Model[] {Models.wavenet(50, 10), Models.originalWavenet(50, 10, true),
                Models.originalWavenet(50, 10, false)}) {
            INDArray base = out(m, x);
            for (int t0 : new int[] {0, 20, 49}) {
                INDArray xp = x.dup();
                xp.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t0)).addi(1.0);
                double[] change = changePerStep(base, out(m, xp));
                for (int t = 0; t < t0; t++) {
                    assertEquals(0.0, change[t], 0.0, "output " + t + " changed after perturbing input " + t0);
                }
                assertTrue(change[t0] > 0, "output " + t0 + " must see input " + t0);
            }
        }
    }

    @Test
    void receptiveFieldIsTheComputedOne() {
        assertEquals(31, Models.receptiveField(2, Models.wavenetDilations()));
        // Original WaveNet: the first causal conv (k 2, d 1) and the blocks' dilated convs (1, 2, 4); 1x1 convs add 0.
        int original = Models.receptiveField(2, 1, 1, 2, 4);
        assertEquals(9, original);
        assertLastOutputReachedByInput0(Models.wavenet(50, 10), 31);
        assertLastOutputReachedByInput0(Models.originalWavenet(50, 10, true), original);
    }

    /** Perturbing input 0 must change outputs 0 .. field-1 (for some series of the batch) and none after. */
    static void assertLastOutputReachedByInput0(Model m, int field) {
        INDArray x = input(50);
        INDArray xp = x.dup();
        xp.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).addi(1.0);
        double[] change = changePerStep(out(m, x), out(m, xp));
        int last = -1;
        for (int t = 0; t < change.length; t++) {
            if (change[t] > 0) {
                last = t;
            }
        }
        assertEquals(field - 1, last, "last output reached by input 0: " + Arrays.toString(change));
    }

    @Test
    void softmaxIsOverTheChannelsOfEachStep() {
        INDArray y = Models.originalWavenet(50, 10, false).outputSingle(input(50));
        INDArray sums = y.sum(1); // [batch, steps]
        assertTrue(sums.equalsWithEps(Nd4j.ones(DataType.FLOAT, BATCH, 50), 1e-5), "sums over channels: " + sums);
        assertTrue(y.minNumber().doubleValue() > 0);
        INDArray linear = Models.originalWavenet(50, 10, true).outputSingle(input(50));
        assertTrue(linear.minNumber().doubleValue() < 0, "a linear output is not a probability");
    }

    @Test
    void dl4jSoftmaxOnAConv1dLayerRunsOverTime() {
        // Why the softmax sits in the loss layer: on Convolution1DLayer (NCW) DL4J normalises the last axis, time.
        Layer conv = Models.conv1d(10, 1, 1, 1, ConvolutionMode.Causal, Activation.SOFTMAX);
        var list = new NeuralNetConfiguration.Builder().seed(1).list(conv, Models.sequenceLoss(10, Activation.IDENTITY));
        list.setInputType(InputType.recurrent(1, 50, RNNFormat.NCW));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        INDArray y = net.output(input(50));
        assertTrue(y.sum(2).equalsWithEps(Nd4j.ones(DataType.FLOAT, BATCH, 10), 1e-5), "sums over time");
        assertTrue(Math.abs(y.sum(1).getDouble(0, 0) - 1.0) > 0.1, "not over channels");
    }

    @Test
    void savedModelsPredictIdentically(@TempDir Path dir) throws Exception {
        INDArray x = input(50);
        MultiLayerNetwork convGru = Models.conv1dGru(50, 10);
        MultiLayerNetwork wavenet = Models.wavenet(50, 10);
        ComputationGraph original = Models.originalWavenet(50, 10, false);
        assertEquals(convGru.output(x), ModelFiles.loadNetwork(ModelFiles.save(convGru, dir.resolve("a.zip"), false))
                .output(x));
        assertEquals(wavenet.output(x), ModelFiles.loadNetwork(ModelFiles.save(wavenet, dir.resolve("b.zip"), false))
                .output(x));
        Path f = ModelFiles.save(original, dir.resolve("c.zip"), false);
        assertTrue(Files.size(f) > 0);
        ComputationGraph back = ModelFiles.loadGraph(f);
        assertEquals(original.outputSingle(x), back.outputSingle(x));
        assertEquals(original.getConfiguration(), ComputationGraphConfiguration.fromJson(original.getConfiguration().toJson()));
    }

    @Test
    void sameSeedSameWeights() {
        Function<Boolean, INDArray> params = linear -> Models.originalWavenet(50, 10, linear).params();
        assertEquals(params.apply(false), params.apply(false));
        assertEquals(Models.wavenet(50, 10).params(), Models.wavenet(50, 10).params());
    }
}
