package io.github.seqbook.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.SeriesGenerator;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ForecastsTest {

    @Test
    void forecastAheadFeedsItsOwnPredictionsBack() {
        MultiLayerNetwork model = Models.deepRnnDenseOutput(50, 1);
        INDArray x = SeriesGenerator.generate(3, 50, 7);
        INDArray ahead = Forecasts.forecastAhead(model, x, 4);
        assertArrayEquals(new long[] {3, 4}, ahead.shape());
        // By hand: predict, append, predict again on the longer series.
        INDArray grown = x.dup();
        for (int k = 0; k < 4; k++) {
            INDArray next = Training.predict(model, grown);
            assertEquals(next.getDouble(1, 0), ahead.getDouble(1, k), 1e-6, "step " + k);
            grown = Nd4j.concat(1, grown, next.reshape(3, 1, 1));
        }
        // The second forecast depends on the first: it differs from a one-shot forecast of the true series.
        assertNotEquals(ahead.getDouble(0, 0), ahead.getDouble(0, 1));
    }

    @Test
    void forecastAheadNeedsASingleOutputModel() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Forecasts.forecastAhead(Models.deepRnnDenseOutput(50, 10), SeriesGenerator.generate(2, 50, 1), 3));
        assertTrue(e.getMessage().contains("one value per series"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Forecasts.forecastAhead(Models.deepRnnDenseOutput(50, 1), SeriesGenerator.generate(2, 50, 1), 0));
    }

    @Test
    void mcDropoutSamplesDifferOnlyWithDropout() {
        INDArray x = SeriesGenerator.generate(5, 50, 3);
        Uncertainty with = Forecasts.mcDropout(Models.sequenceToSequenceRnnWithDropout(50, 10, 0.2), x, 10, 1);
        assertArrayEquals(new long[] {5, 50, 10}, with.mean().shape());
        assertTrue(with.std().minNumber().doubleValue() > 0, "dropout on: every forecast should vary");
        Uncertainty without = Forecasts.mcDropout(Models.sequenceToSequenceRnn(50, 10), x, 10, 1);
        assertEquals(0.0, without.std().maxNumber().doubleValue(), 1e-7, "no dropout: identical samples");
        // Dropout stays off in plain predictions: two calls agree exactly.
        MultiLayerNetwork m = Models.sequenceToSequenceRnnWithDropout(50, 10, 0.2);
        assertEquals(Training.predict(m, x), Training.predict(m, x));
    }

    @Test
    void mcDropoutMeanAndStdAreThoseOfTheSamples() {
        // the running (Welford) mean and std against all samples kept and reduced at once, same seed and order
        MultiLayerNetwork m = Models.sequenceToSequenceRnnWithDropout(50, 10, 0.3);
        INDArray x = SeriesGenerator.generate(6, 50, 4);
        Uncertainty mc = Forecasts.mcDropout(m, x, 7, 11);
        Nd4j.getRandom().setSeed(11);
        INDArray[] draws = new INDArray[7];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = Training.fromNcw(Training.output(m, Training.toNcw(x), true))
                    .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        }
        INDArray stacked = Nd4j.stack(0, draws);
        assertTrue(stacked.std(false, 0).minNumber().doubleValue() > 0, "the samples differ");
        assertEquals(0.0, stacked.mean(0).sub(mc.mean()).amaxNumber().doubleValue(), 1e-12, "mean");
        assertEquals(0.0, stacked.std(false, 0).sub(mc.std()).amaxNumber().doubleValue(), 1e-12, "population std");
    }

    @Test
    void mcDropoutIsReproducibleForASeed() {
        MultiLayerNetwork m = Models.sequenceToSequenceRnnWithDropout(50, 10, 0.3);
        INDArray x = SeriesGenerator.generate(4, 50, 3);
        assertEquals(Forecasts.mcDropout(m, x, 5, 9).mean(), Forecasts.mcDropout(m, x, 5, 9).mean());
        // The documented side effect: ND4J's global generator continues from the seed, whatever came before.
        Nd4j.getRandom().setSeed(123);
        Forecasts.mcDropout(m, x, 2, 9);
        double after = Nd4j.getRandom().nextDouble();
        Nd4j.getRandom().nextDouble();
        Forecasts.mcDropout(m, x, 2, 9);
        assertEquals(after, Nd4j.getRandom().nextDouble(), 0.0);
    }

    @Test
    void coverageCountsValuesInsideTheBand() {
        INDArray actual = Nd4j.createFromArray(new double[][] {{0, 1, 2, 10}});
        INDArray mean = Nd4j.createFromArray(new double[][] {{0, 0, 0, 0}});
        INDArray std = Nd4j.createFromArray(new double[][] {{1, 1, 1, 1}});
        assertEquals(0.5, Forecasts.coverage(actual, mean, std, 1.0), 0.0);
        assertEquals(0.75, Forecasts.coverage(actual, mean, std, 2.0), 0.0);
    }

    @Test
    void lastStepAndMetric() {
        SeriesData d = SeriesData.sequenceToSequence(50, 10);
        INDArray y = d.valid().y();
        INDArray pred = y.dup();
        pred.get(NDArrayIndex.all(), NDArrayIndex.point(49), NDArrayIndex.point(0)).addi(0.5);
        pred.get(NDArrayIndex.all(), NDArrayIndex.point(10), NDArrayIndex.all()).addi(3.0);
        // Only the last step counts: one of its 10 values is off by 0.5 everywhere.
        assertEquals(0.25 / 10, Metrics.lastTimeStepMse(y, pred), 1e-6);
        assertEquals(Metrics.mse(Forecasts.lastStep(y), Forecasts.lastStep(pred)), Metrics.lastTimeStepMse(y, pred), 1e-12);
    }
}
