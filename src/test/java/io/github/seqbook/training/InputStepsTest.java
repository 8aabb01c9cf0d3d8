package io.github.seqbook.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.SeriesGenerator;
import io.github.seqbook.data.Split;
import io.github.seqbook.data.Targets;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Input lengths a model cannot read are refused by the library, naming the argument, the steps given and what the
 * model needs, before DL4J sees them: too short for a valid convolution (Keras returns no output step there), or
 * not the one length a Flatten + Dense model reads.
 */
class InputStepsTest {

    static INDArray series(int steps) {
        return SeriesGenerator.generate(2, steps, 1);
    }

    /** Asserts a library-made IllegalArgumentException whose message holds every fragment. */
    static void refused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message should mention '" + f + "': " + e.getMessage());
        }
        assertTrue(e.getStackTrace()[0].getClassName().startsWith("io.github.seqbook"),
                "thrown from " + e.getStackTrace()[0] + " instead of by the library's own checks");
    }

    @Test
    void validConvolutionRefusesInputsShorterThanItsKernel() {
        // Conv1D(kernel 4, stride 2, "valid") outputs floor((steps - 4) / 2) + 1 steps: none below 4 steps.
        MultiLayerNetwork model = Models.conv1dGru(50, 10);
        refused(() -> Training.predict(model, series(1)), "x has 1 time step", "at least 4");
        refused(() -> Training.predict(model, series(3)), "x has 3 time steps", "at least 4");
        assertArrayEquals(new long[] {2, 1, 10}, Training.predict(model, series(4)).shape());
        assertArrayEquals(new long[] {2, 1, 10}, Training.predict(model, series(5)).shape());
        assertArrayEquals(new long[] {2, 2, 10}, Training.predict(model, series(6)).shape());
    }

    @Test
    void theMinimumComesFromEveryConvolutionOfTheNetwork() {
        // Three valid convolutions: kernel 3; kernel 4 stride 2; kernel 2 dilation 3 (reach 4). By hand, backwards:
        // the last needs 4 steps; the second outputs floor((n - 4) / 2) + 1 >= 4 from n >= 10; the first outputs
        // n - 2 >= 10 from 12 steps.
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).list(
                        Models.conv1d(3, 3, 1, 1, ConvolutionMode.Truncate, Activation.TANH),
                        Models.conv1d(3, 4, 2, 1, ConvolutionMode.Truncate, Activation.TANH),
                        Models.conv1d(2, 2, 1, 3, ConvolutionMode.Truncate, Activation.IDENTITY),
                        Models.sequenceLoss(2, Activation.IDENTITY))
                .setInputType(InputType.recurrent(1, 50, RNNFormat.NCW)).build());
        net.init();
        refused(() -> Training.predict(net, series(11)), "x has 11 time steps", "at least 12");
        assertEquals(1, Training.predict(net, series(12)).size(1));
        assertEquals(1, Training.predict(net, series(13)).size(1));
        assertEquals(2, Training.predict(net, series(14)).size(1));

        // The same rule in a computation graph.
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.recurrent(1, 50, RNNFormat.NCW))
                .addLayer("conv", Models.stridedConv1d(), "in")
                .addLayer("out", Models.sequenceLoss(Models.CONV_FILTERS, Activation.IDENTITY), "conv")
                .setOutputs("out").build());
        graph.init();
        refused(() -> Training.predict(graph, series(3)), "x has 3 time steps", "at least 4");
        assertEquals(1, Training.predict(graph, series(4)).size(1));
    }

    @Test
    void causalConvolutionsReadAnyLength() {
        assertArrayEquals(new long[] {2, 1, 10}, Training.predict(Models.wavenet(50, 10), series(1)).shape());
        assertArrayEquals(new long[] {2, 1, 10},
                Training.predict(Models.originalWavenet(50, 10, true), series(1)).shape());
        assertArrayEquals(new long[] {2, 1, 10}, Training.predict(Models.gru(50, 10), series(1)).shape());
    }

    @Test
    void flattenModelsReadExactlyTheirLength() {
        MultiLayerNetwork linear = Models.linear(50, 1);
        refused(() -> Training.predict(linear, series(30)), "x has 30 time steps", "exactly 50");
        refused(() -> Training.predict(linear, series(51)), "x has 51 time steps", "exactly 50");
        assertArrayEquals(new long[] {2, 1}, Training.predict(linear, series(50)).shape());
        // Iterative forecasting grows the input by one step per forecast: refused up front, naming the model.
        refused(() -> Forecasts.forecastAhead(linear, series(50), 10), "model", "exactly 50", "forecastAhead");
        refused(() -> Forecasts.mcDropout(linear, series(30), 3, 1), "x has 30 time steps", "exactly 50");

        // A graph: causal convolution, gated units, then a flatten of 2 channels x 7 steps into a dense layer.
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.recurrent(1, 7, RNNFormat.NCW))
                .addLayer("conv", Models.causalConv1d(4, 2, 2, Activation.IDENTITY), "in")
                .addVertex("gate", io.github.seqbook.layers.GatedActivationUnit.bookCode(), "conv")
                .addLayer("dense", Models.denseOutput(2), "gate")
                .inputPreProcessor("dense", new io.github.seqbook.layers.FlattenSequence(2))
                .setOutputs("dense").build());
        graph.init();
        refused(() -> Training.predict(graph, series(8)), "x has 8 time steps", "exactly 7");
        assertArrayEquals(new long[] {2, 2}, Training.predict(graph, series(7)).shape());
    }

    @Test
    void everyEntryPointChecksTheSteps() {
        SeriesData thirty = SeriesData.nextValue(30);
        Split train = thirty.train().head(64);
        Split valid = thirty.valid().head(64);
        Model linear = Models.linear(50, 1);
        refused(() -> Training.fit(linear, train, valid, 1, new FitOptions().out(null)), "train.x has 30 time steps",
                "exactly 50");
        refused(() -> Training.evaluate(linear, valid), "valid.x has 30 time steps", "exactly 50");

        SeriesData three = SeriesData.sequenceToSequence(3, 10);
        Model conv = Models.conv1dGru(50, 10);
        refused(() -> Training.fit(conv, three.train().head(64), three.valid().head(64), 1, new FitOptions().out(null)),
                "train.x has 3 time steps", "at least 4");
        refused(() -> Forecasts.mcDropout(conv, Targets.inputs(SeriesGenerator.generate(2, 4, 1), 3), 2, 1),
                "x has 3 time steps", "at least 4");
    }
}
