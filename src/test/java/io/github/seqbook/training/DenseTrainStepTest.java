package io.github.seqbook.training;

import static io.github.seqbook.keras.Keras.adam;
import static io.github.seqbook.keras.Keras.dense;
import static io.github.seqbook.keras.Keras.dropout;
import static io.github.seqbook.keras.Keras.flatten;
import static io.github.seqbook.keras.Keras.huber;
import static io.github.seqbook.keras.Keras.input;
import static io.github.seqbook.keras.Keras.mae;
import static io.github.seqbook.keras.Keras.mse;
import static io.github.seqbook.keras.Keras.sequential;
import static io.github.seqbook.keras.Keras.sgd;
import static io.github.seqbook.keras.Keras.simpleRnn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The replayed step of the linear models against DL4J's own {@code fit}: two networks built alike, one trained by
 * {@code net.fit(x, y)}, the other by {@link DenseTrainStep}, must agree batch by batch (score, parameters, updater
 * state, iteration count) up to float rounding.
 */
class DenseTrainStepTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                // notebook 01's linear model (Adam, MSE), and its 10-step variant
                Arguments.of("flatten+dense(1), adam, mse", 50, 1, 1,
                        (Supplier<MultiLayerNetwork>) () -> Models.linear(50, 1)),
                Arguments.of("flatten+dense(10), adam, mse", 50, 1, 10,
                        (Supplier<MultiLayerNetwork>) () -> Models.linear(50, 10)),
                // notebook 05's linear model (SGD with momentum, Huber); two features to check the flatten order
                Arguments.of("flatten+dense(1), sgd momentum, huber, 2 features", 8, 2, 1,
                        (Supplier<MultiLayerNetwork>) () -> sequential(input(8, 2), flatten(), dense(1))
                                .compile(sgd(0.02, 0.9), huber(), mae()).network()),
                Arguments.of("flatten+dense(3), sgd, mae", 6, 1, 3,
                        (Supplier<MultiLayerNetwork>) () -> sequential(input(6, 1), flatten(), dense(3))
                                .compile(sgd(0.05), mae()).network()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void matchesDl4jFitBatchByBatch(String name, int steps, int channels, int outputs,
                                    Supplier<MultiLayerNetwork> build) {
        MultiLayerNetwork reference = build.get();
        MultiLayerNetwork fused = build.get();
        assertEquals(reference.params(), fused.params(), "both networks start alike");
        Nd4j.getRandom().setSeed(7);
        try (DenseTrainStep step = DenseTrainStep.of(fused).orElseThrow()) {
            for (int i = 0; i < 12; i++) {
                // batches of two sizes (the last batch of an epoch is smaller), and errors beyond Huber's delta
                int batch = i % 4 == 3 ? 5 : 16;
                INDArray x = Nd4j.rand(DataType.FLOAT, batch, channels, steps).muli(2).subi(1);
                INDArray y = Nd4j.rand(DataType.FLOAT, batch, outputs).muli(6).subi(3);
                reference.fit(x, y);
                double score = step.fit(x, y);
                assertEquals(reference.score(), score, 1e-5 * Math.max(1, Math.abs(score)), "score of batch " + i);
                assertEquals(reference.score(), fused.score(), 1e-5 * Math.max(1, Math.abs(score)));
                assertClose(reference.params(), fused.params(), "parameters after batch " + i);
            }
        }
        assertEquals(reference.getIterationCount(), fused.getIterationCount());
        if (reference.getUpdater().getStateViewArray() != null) {
            assertClose(reference.getUpdater().getStateViewArray(), fused.getUpdater().getStateViewArray(), "updater state");
        }
        // and the fused network keeps training normally through DL4J afterwards
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, channels, steps);
        INDArray y = Nd4j.rand(DataType.FLOAT, 4, outputs);
        reference.fit(x, y);
        fused.fit(x, y);
        assertClose(reference.params(), fused.params(), "parameters after a DL4J fit that follows");
    }

    @Test
    void rank2InputWithoutFlatten() {
        Supplier<MultiLayerNetwork> build = () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                    .seed(3).dataType(DataType.FLOAT).updater(new org.nd4j.linalg.learning.config.Adam(0.01)).list()
                    .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                            new org.nd4j.linalg.lossfunctions.impl.LossMSE()).nIn(7).nOut(2)
                            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                    .build());
            net.init();
            return net;
        };
        MultiLayerNetwork reference = build.get();
        MultiLayerNetwork fused = build.get();
        try (DenseTrainStep step = DenseTrainStep.of(fused).orElseThrow()) {
            for (int i = 0; i < 5; i++) {
                INDArray x = Nd4j.rand(DataType.FLOAT, 9, 7);
                INDArray y = Nd4j.rand(DataType.FLOAT, 9, 2);
                reference.fit(x, y);
                assertEquals(reference.score(), step.fit(x, y), 1e-6);
            }
        }
        assertClose(reference.params(), fused.params(), "parameters");
    }

    @Test
    void otherNetworksKeepDl4jFit() {
        assertFalse(DenseTrainStep.of(Models.simpleRnn(50)).isPresent(), "recurrent network");
        assertFalse(DenseTrainStep.of(sequential(input(8, 1), flatten(), dropout(0.2), dense(1))
                .compile(adam(), mse()).network()).isPresent(), "dropout");
        assertFalse(DenseTrainStep.of(sequential(input(8, 1), flatten(), dense(4, "relu"), dense(1))
                .compile(adam(), mse()).network()).isPresent(), "hidden layer");
        assertFalse(DenseTrainStep.of(sequential(input(8, 1), simpleRnn(3), dense(1))
                .compile(adam(), mse()).network()).isPresent(), "RNN then dense");
        MultiLayerNetwork clipped = Models.linear(8, 1);
        Training.applyClipping(clipped, new FitOptions().clipNorm(1.0));
        assertFalse(DenseTrainStep.of(clipped).isPresent(), "gradient clipping");
        assertTrue(DenseTrainStep.of(Models.linear(8, 1)).isPresent());
    }

    @Test
    void trainingFitGivesTheSameHistoryAsDl4jFit() {
        // Training.fit takes the replayed step for the linear model; a DL4J fit with the same shuffling must agree
        var data = io.github.seqbook.data.SeriesData.nextValue(20);
        MultiLayerNetwork fused = Models.linear(20, 1);
        MultiLayerNetwork reference = Models.linear(20, 1);
        History history = Training.fit(fused, data.train(), data.valid(), 2, new FitOptions());
        // the same loop with DL4J's fit: a listener makes DenseTrainStep decline the network
        reference.setListeners(new org.deeplearning4j.optimize.listeners.ScoreIterationListener(1_000_000));
        assertFalse(DenseTrainStep.of(reference).isPresent());
        History dl4j = Training.fit(reference, data.train(), data.valid(), 2, new FitOptions());
        for (String column : new String[] {"loss", "val_loss"}) {
            for (int e = 0; e < 2; e++) {
                double a = history.table().doubleColumn(column).get(e);
                double b = dl4j.table().doubleColumn(column).get(e);
                assertEquals(b, a, 1e-5 * b, column + " of epoch " + (e + 1));
            }
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-5 * scale, what + ": max difference " + diff + " at scale " + scale);
    }
}
