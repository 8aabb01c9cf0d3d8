package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class CausalConv1DTest {
    private static final int IN = 3;
    private static final int STEPS = 12;

    /**
     * A network of the given layers and an MSE loss at every step, in {@code type}, Adam (lr 1e-3), seed 42, with
     * its gradient views allocated (as {@code fit} does first), so that gradient computations take
     * {@link CausalConv1D}'s recorded (fast) path.
     */
    private static MultiLayerNetwork net(DataType type, Layer... layers) {
        Layer[] all = java.util.Arrays.copyOf(layers, layers.length + 1);
        all[layers.length] = new RnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY)
                .dataFormat(RNNFormat.NCW).build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(type)
                .updater(new Adam(1e-3)).list(all).setInputType(InputType.recurrent(IN, STEPS, RNNFormat.NCW)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.initGradientsView();
        return net;
    }

    /** Batch shapes recorded on tapes, over the network's {@link CausalConv1D} layers. */
    private static int tapedShapes(MultiLayerNetwork net) {
        int n = 0;
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            if (l instanceof io.github.seqbook.layers.engine.CausalConv1DImpl c) {
                n += c.tapedShapes();
            }
        }
        return n;
    }

    private static double maxAbs(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @ParameterizedTest(name = "k={0} d={1} {2}")
    @CsvSource({"2,1,DOUBLE", "2,2,DOUBLE", "2,4,DOUBLE", "2,8,DOUBLE", "4,1,DOUBLE", "2,16,DOUBLE", "3,3,DOUBLE",
            "2,1,FLOAT", "2,2,FLOAT", "2,4,FLOAT", "2,8,FLOAT", "4,1,FLOAT"})
    void sameFunctionAndGradientsAsDl4jCausalConvolution(int k, int d, DataType type) {
        double tol = type == DataType.DOUBLE ? 1e-10 : 1e-5;
        // Two layers, so the first one's dL/d input is compared too; different seeds draw different weights, then
        // the reference's parameters are copied over (the initialisation is tested separately).
        MultiLayerNetwork ref = net(type, Models.causalConv1d(5, k, d, Activation.RELU),
                Models.causalConv1d(4, k, 1, Activation.TANH));
        MultiLayerNetwork fast = net(type, new CausalConv1D.Builder(5).kernelSize(k).dilation(d)
                .activation(Activation.RELU).build(), new CausalConv1D.Builder(4).kernelSize(k)
                .activation(Activation.TANH).build());
        LayerTesting.randomizeParams(ref, 0.5, 7);
        fast.setParams(ref.params().castTo(type));
        INDArray x = LayerTesting.ncwInput(4, IN, STEPS, 3).castTo(type);
        INDArray y = LayerTesting.ncwInput(4, 4, STEPS, 5).castTo(type);
        assertTrue(maxAbs(ref.output(x), fast.output(x)) <= tol, "outputs differ: " + maxAbs(ref.output(x), fast.output(x)));

        Map<String, INDArray> gRef = LayerTesting.gradients(ref, x, y);
        Map<String, INDArray> gFast = LayerTesting.gradients(fast, x, y);
        assertEquals(2, tapedShapes(fast), "both layers computed the gradients on their recorded tapes");
        // inference on the trained shape replays the forward tape: still DL4J's function
        assertTrue(maxAbs(ref.output(x), fast.output(x)) <= tol, "outputs differ after the tapes were recorded");
        assertEquals(gRef.keySet(), gFast.keySet());
        for (String key : gRef.keySet()) {
            double scale = Math.max(1, gRef.get(key).amaxNumber().doubleValue());
            assertTrue(maxAbs(gRef.get(key), gFast.get(key)) <= tol * scale, key + " differs by "
                    + maxAbs(gRef.get(key), gFast.get(key)));
        }
        // dL/d input of the network, through both layers
        ref.setInput(x);
        ref.setLabels(y);
        fast.setInput(x);
        fast.setLabels(y);
        INDArray eRef = ref.calculateGradients(x, y, null, null).getSecond();
        INDArray eFast = fast.calculateGradients(x, y, null, null).getSecond();
        assertTrue(maxAbs(eRef, eFast) <= tol, "dL/dx differs by " + maxAbs(eRef, eFast));
    }

    @Test
    void staysRightWhenBatchShapesAlternate() {
        // Same number of rows (batch * steps = 48) split differently, training and inference interleaved: the kept
        // buffers must not carry one shape's values into the other's padding.
        MultiLayerNetwork ref = net(DataType.DOUBLE, Models.causalConv1d(5, 2, 4, Activation.TANH));
        MultiLayerNetwork fast = net(DataType.DOUBLE, new CausalConv1D.Builder(5).dilation(4)
                .activation(Activation.TANH).build());
        LayerTesting.randomizeParams(ref, 0.5, 7);
        fast.setParams(ref.params());
        int[][] shapes = {{4, 12}, {6, 8}, {8, 6}, {4, 12}, {16, 3}};
        for (int i = 0; i < shapes.length; i++) {
            INDArray x = LayerTesting.ncwInput(shapes[i][0], IN, shapes[i][1], 30 + i);
            INDArray y = LayerTesting.ncwInput(shapes[i][0], 5, shapes[i][1], 40 + i);
            Map<String, INDArray> gRef = LayerTesting.gradients(ref, x, y);
            Map<String, INDArray> gFast = LayerTesting.gradients(fast, x, y);
            for (String key : gRef.keySet()) {
                assertTrue(maxAbs(gRef.get(key), gFast.get(key)) <= 1e-10, key + " at shape " + i);
            }
            INDArray xi = LayerTesting.ncwInput(shapes[(i + 1) % shapes.length][0], IN,
                    shapes[(i + 1) % shapes.length][1], 50 + i);
            assertTrue(maxAbs(ref.output(xi), fast.output(xi)) <= 1e-10, "output at shape " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ELU", "SOFTSIGN", "LEAKYRELU"})
    void activationsWithoutTapesComputeDl4jsFunctionToo(Activation activation) {
        // Activations the tapes do not record take the im2col path: same function and gradients as DL4J's layer.
        MultiLayerNetwork ref = net(DataType.DOUBLE, Models.causalConv1d(5, 2, 2, activation));
        MultiLayerNetwork fast = net(DataType.DOUBLE, new CausalConv1D.Builder(5).dilation(2).activation(activation)
                .build());
        LayerTesting.randomizeParams(ref, 0.5, 7);
        fast.setParams(ref.params());
        INDArray x = LayerTesting.ncwInput(4, IN, STEPS, 3);
        INDArray y = LayerTesting.ncwInput(4, 5, STEPS, 5);
        Map<String, INDArray> gRef = LayerTesting.gradients(ref, x, y);
        Map<String, INDArray> gFast = LayerTesting.gradients(fast, x, y);
        assertEquals(0, tapedShapes(fast));
        for (String key : gRef.keySet()) {
            assertTrue(maxAbs(gRef.get(key), gFast.get(key)) <= 1e-10, key + " differs");
        }
        assertTrue(maxAbs(ref.output(x), fast.output(x)) <= 1e-10);
    }

    @Test
    void passesNumericalGradientCheck() {
        MultiLayerNetwork net = LayerTesting.net(IN, STEPS, 2, RNNFormat.NCW,
                new CausalConv1D.Builder(4).dilation(2).activation(Activation.TANH).build(),
                new CausalConv1D.Builder(3).kernelSize(3).dilation(3).activation(Activation.SIGMOID).build(),
                new CausalConv1D.Builder(3).kernelSize(1).build());
        LayerTesting.randomizeParams(net, 0.5, 11);
        net.initGradientsView(); // the check's passes then run on the recorded tapes
        assertTrue(LayerTesting.gradientsMatch(net, LayerTesting.ncwInput(3, IN, STEPS, 1),
                LayerTesting.ncwInput(3, 2, STEPS, 2)));
        assertEquals(3, tapedShapes(net));
    }

    @Test
    void sameInitialParametersAsDl4jLayerForTheSameSeed() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork ref = net(type, Models.causalConv1d(20, 2, 1, Activation.RELU),
                    Models.causalConv1d(20, 2, 2, Activation.RELU), Models.causalConv1d(10, 1, 1, Activation.IDENTITY));
            MultiLayerNetwork fast = net(type, new CausalConv1D.Builder(20).dilation(1).activation(Activation.RELU).build(),
                    new CausalConv1D.Builder(20).dilation(2).activation(Activation.RELU).build(),
                    new CausalConv1D.Builder(10).kernelSize(1).build());
            assertEquals(ref.paramTable().keySet(), fast.paramTable().keySet());
            // exactly, not INDArray.equals (which allows 1e-5)
            assertTrue(java.util.Arrays.equals(ref.params().toDoubleVector(), fast.params().toDoubleVector()));
            assertTrue(ref.params().amaxNumber().doubleValue() > 0.1); // drawn, not zeros
        }
    }

    @Test
    void trainsRightWhenEveryPassGetsArraysAtTheSameAddresses() {
        // The batch arrays refilled in place and DL4J's workspaces reusing their memory: every layer sees its input,
        // output and gradient arrays at the last pass's addresses, and its tapes skip the rebinding (Binding).
        MultiLayerNetwork ref = net(DataType.FLOAT, Models.causalConv1d(8, 2, 1, Activation.RELU),
                Models.causalConv1d(4, 2, 2, Activation.TANH));
        MultiLayerNetwork fast = net(DataType.FLOAT, new CausalConv1D.Builder(8).activation(Activation.RELU).build(),
                new CausalConv1D.Builder(4).dilation(2).activation(Activation.TANH).build());
        fast.setParams(ref.params());
        INDArray x = Nd4j.create(DataType.FLOAT, 16, IN, STEPS);
        INDArray y = Nd4j.create(DataType.FLOAT, 16, 4, STEPS);
        for (int b = 0; b < 4; b++) {
            x.assign(LayerTesting.ncwInput(16, IN, STEPS, 300 + b));
            y.assign(LayerTesting.ncwInput(16, 4, STEPS, 400 + b));
            ref.fit(x, y);
            fast.fit(x, y);
            assertTrue(maxAbs(ref.params(), fast.params()) < 1e-6, "params after batch " + b);
            assertTrue(maxAbs(ref.output(x), fast.output(x)) < 1e-5, "outputs after batch " + b);
        }
    }

    @Test
    void trainsLikeDl4jLayerFromTheSameStart() {
        // One epoch of Adam on 2 batches, float, from the same seed: the parameters must agree to float round-off.
        MultiLayerNetwork ref = net(DataType.FLOAT, Models.causalConv1d(8, 2, 1, Activation.RELU),
                Models.causalConv1d(8, 2, 2, Activation.RELU), Models.causalConv1d(4, 1, 1, Activation.IDENTITY));
        MultiLayerNetwork fast = net(DataType.FLOAT, new CausalConv1D.Builder(8).activation(Activation.RELU).build(),
                new CausalConv1D.Builder(8).dilation(2).activation(Activation.RELU).build(),
                new CausalConv1D.Builder(4).kernelSize(1).build());
        for (int b = 0; b < 2; b++) {
            INDArray x = LayerTesting.ncwInput(16, IN, STEPS, 100 + b).castTo(DataType.FLOAT);
            INDArray y = LayerTesting.ncwInput(16, 4, STEPS, 200 + b).castTo(DataType.FLOAT);
            ref.fit(x, y);
            fast.fit(x, y);
        }
        double diff = maxAbs(ref.params(), fast.params());
        System.out.println("CausalConv1D vs Convolution1DLayer, params after 2 Adam steps: max |diff| = " + diff);
        assertTrue(diff < 1e-6, "params differ by " + diff);
    }

    @Test
    void savedModelAndJsonRoundTrip() throws Exception {
        MultiLayerNetwork net = LayerTesting.net(IN, STEPS, 2, RNNFormat.NCW,
                new CausalConv1D.Builder(4).dilation(2).activation(Activation.RELU).name("causal").build());
        LayerTesting.assertJsonRoundTrip(net, CausalConv1D.class);
        MultiLayerNetwork back = LayerTesting.saveAndLoad(net, LayerTesting.ncwInput(2, IN, STEPS, 9));
        assertInstanceOf(CausalConv1D.class, back.getLayer(0).conf().getLayer());
        assertEquals(2, ((CausalConv1D) back.getLayer(0).conf().getLayer()).getDilation()[0]);
    }

    @Test
    void refusesWhatItDoesNotCompute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CausalConv1D.of(
                Models.conv1d(4, 2, 1, 1, ConvolutionMode.Truncate, Activation.IDENTITY)));
        assertTrue(e.getMessage().contains("Causal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CausalConv1D.of(
                Models.conv1d(4, 2, 2, 1, ConvolutionMode.Causal, Activation.IDENTITY)));
        assertTrue(e.getMessage().contains("stride"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CausalConv1D.Builder(0));
        assertTrue(e.getMessage().contains("filters"), e.getMessage());
        MultiLayerNetwork net = LayerTesting.net(IN, STEPS, 2, RNNFormat.NCW, new CausalConv1D.Builder(4).build());
        e = assertThrows(IllegalArgumentException.class, () -> net.output(Nd4j.zeros(DataType.DOUBLE, 2, IN + 1, STEPS)));
        assertTrue(e.getMessage().contains("[batch, " + IN + ", steps]"), e.getMessage());
    }

    @Test
    void theCompositionApiUsesTheFastLayerUnlessDl4jsIsAsked() {
        var dl4j = io.github.seqbook.keras.Keras.sequential(io.github.seqbook.keras.Keras.input(
                        io.github.seqbook.keras.Keras.ANY_LENGTH, 1),
                io.github.seqbook.keras.Keras.conv1d(4, 2).padding("causal").dilationRate(2).dl4jCausal())
                .compile(io.github.seqbook.keras.Keras.adam(), io.github.seqbook.keras.Keras.mse());
        var fast = io.github.seqbook.keras.Keras.sequential(io.github.seqbook.keras.Keras.input(
                        io.github.seqbook.keras.Keras.ANY_LENGTH, 1),
                io.github.seqbook.keras.Keras.conv1d(4, 2).padding("causal").dilationRate(2))
                .compile(io.github.seqbook.keras.Keras.adam(), io.github.seqbook.keras.Keras.mse());
        var strided = io.github.seqbook.keras.Keras.sequential(io.github.seqbook.keras.Keras.input(
                        io.github.seqbook.keras.Keras.ANY_LENGTH, 1),
                io.github.seqbook.keras.Keras.conv1d(4, 2).padding("causal").strides(2))
                .compile(io.github.seqbook.keras.Keras.adam(), io.github.seqbook.keras.Keras.mse());
        var dl4jLayer = dl4j.network().getLayerWiseConfigurations().getConf(0).getLayer();
        var fastLayer = fast.network().getLayerWiseConfigurations().getConf(0).getLayer();
        var stridedLayer = strided.network().getLayerWiseConfigurations().getConf(0).getLayer();
        org.junit.jupiter.api.Assertions.assertFalse(dl4jLayer instanceof CausalConv1D, dl4jLayer.getClass().getName());
        org.junit.jupiter.api.Assertions.assertTrue(fastLayer instanceof CausalConv1D, fastLayer.getClass().getName());
        org.junit.jupiter.api.Assertions.assertFalse(stridedLayer instanceof CausalConv1D, "stride 2 is DL4J's layer");
        org.junit.jupiter.api.Assertions.assertEquals(dl4j.network().params(), fast.network().params(),
                "same initial parameters either way");
    }
}
