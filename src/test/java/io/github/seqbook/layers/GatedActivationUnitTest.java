package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class GatedActivationUnitTest {

    /** A graph that is only the vertex, to read its forward pass. */
    static ComputationGraph vertexOnly(GatedActivationUnit unit, int channels) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.recurrent(channels, 5, RNNFormat.NCW))
                .addVertex("gate", unit, "in")
                .setOutputs("gate")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** Plain-Java reference: out[b][c][t] = f(x[b][c][t]) * sigmoid(x[b][c + n][t]), f = tanh or tanh(tanh). */
    static double reference(INDArray x, int b, int c, int t, boolean twice) {
        long n = x.size(1) / 2;
        double a = Math.tanh(x.getDouble(b, c, t));
        if (twice) {
            a = Math.tanh(a);
        }
        return a / (1 + Math.exp(-x.getDouble(b, c + n, t)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void forwardMatchesPlainJava(boolean twice) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 6, 5).muli(2);
        INDArray out = vertexOnly(new GatedActivationUnit(twice), 6).outputSingle(x);
        assertArrayEquals(new long[] {2, 3, 5}, out.shape());
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                for (int t = 0; t < 5; t++) {
                    assertEquals(reference(x, b, c, t, twice), out.getDouble(b, c, t), 1e-12);
                }
            }
        }
    }

    @Test
    void bookCodeAppliesTanhTwice() {
        // The book's layer computes activation(activation(a)): tanh(tanh(1)) * sigmoid(0) = 0.6420 * 0.5.
        INDArray x = Nd4j.create(new double[] {1, 0}, new long[] {1, 2, 1}, 'c');
        ComputationGraph g = vertexOnly(GatedActivationUnit.bookCode(), 2);
        assertEquals(Math.tanh(Math.tanh(1)) * 0.5, g.outputSingle(x).getDouble(0), 1e-12);
        assertEquals(Math.tanh(1) * 0.5, vertexOnly(GatedActivationUnit.paper(), 2).outputSingle(x).getDouble(0), 1e-12);
    }

    @ParameterizedTest(name = "tanhTwice={0}, CausalConv1D={1}")
    @org.junit.jupiter.params.provider.CsvSource({"true,false", "false,false", "true,true", "false,true"})
    void gradientsMatchNumericalOnes(boolean twice, boolean fastConv) {
        // conv (6 channels) -> gate (3) -> 1x1 conv (2) -> MSE: every gradient of the first conv flows through the
        // vertex's hand-written backward pass (recorded on tapes: the check's passes are training passes). With
        // CausalConv1D the vertex reads a time-major array seen as NCW; with DL4J's layer an NCW one.
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.recurrent(2, 7, RNNFormat.NCW))
                .addLayer("conv", fastConv ? CausalConv1D.of(conv(6, 2, 2)) : conv(6, 2, 2), "in")
                .addVertex("gate", new GatedActivationUnit(twice), "conv")
                .addLayer("proj", fastConv ? CausalConv1D.of(conv(2, 1, 1)) : conv(2, 1, 1), "gate")
                .addLayer("out", new RnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY)
                        .dataFormat(RNNFormat.NCW).build(), "proj")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 2, 7);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 3, 2, 7);
        // GradientCheckUtil insists on double as ND4J's global default too; restored for the other tests.
        DataType defaultType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {y})
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
            assertTrue(ok, "numerical and analytical gradients differ");
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultType);
        }
        assertTrue(((GatedActivationUnit.Impl) g.getVertex("gate")).recorded(), "the recorded passes were checked");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void recordedPassesComputeTheSameOutput(boolean twice) {
        // A training pass records the shape's ops; inference on that shape then replays them.
        ComputationGraph g = vertexOnly(new GatedActivationUnit(twice), 6);
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 6, 5).muli(2);
        INDArray trained = g.feedForward(new INDArray[] {x}, true).get("gate").dup();
        assertTrue(((GatedActivationUnit.Impl) g.getVertex("gate")).recorded());
        INDArray out = g.outputSingle(x);
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                for (int t = 0; t < 5; t++) {
                    assertEquals(reference(x, b, c, t, twice), out.getDouble(b, c, t), 1e-12);
                    assertEquals(reference(x, b, c, t, twice), trained.getDouble(b, c, t), 1e-12);
                }
            }
        }
    }

    @Test
    void inputsRefilledInPlaceAreReadAgain() {
        // The same input array (same address) with new values, pass after pass: nothing stale is replayed.
        ComputationGraph g = vertexOnly(GatedActivationUnit.bookCode(), 6);
        INDArray x = Nd4j.create(DataType.DOUBLE, 2, 6, 5);
        for (int pass = 0; pass < 3; pass++) {
            Nd4j.getRandom().setSeed(20 + pass);
            x.assign(Nd4j.randn(DataType.DOUBLE, 2, 6, 5).muli(2));
            INDArray trained = g.feedForward(new INDArray[] {x}, true).get("gate");
            INDArray out = g.outputSingle(x);
            for (int c = 0; c < 3; c++) {
                assertEquals(reference(x, 1, c, 4, true), trained.getDouble(1, c, 4), 1e-12, "pass " + pass);
                assertEquals(reference(x, 1, c, 4, true), out.getDouble(1, c, 4), 1e-12, "pass " + pass);
            }
        }
    }

    private static Convolution1DLayer conv(int filters, int kernel, int dilation) {
        return new Convolution1DLayer.Builder().nOut(filters).kernelSize(kernel).dilation(dilation)
                .convolutionMode(ConvolutionMode.Causal).rnnDataFormat(RNNFormat.NCW).activation(Activation.IDENTITY)
                .weightInit(new KerasGlorotUniform()).build();
    }

    @Test
    void oddChannelCountIsRejectedAtBuildTime() {
        var e = assertThrows(RuntimeException.class, () -> vertexOnly(GatedActivationUnit.paper(), 5));
        assertTrue(String.valueOf(e.getMessage()).contains("even number of channels"), e.getMessage());
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraphConfiguration conf = vertexOnly(GatedActivationUnit.bookCode(), 4).getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(GatedActivationUnit.bookCode(), back.getVertices().get("gate"));
        assertEquals(conf, back);
    }
}
