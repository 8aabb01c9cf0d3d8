package io.github.seqbook.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainingTest {
    static SeriesData data;
    static Split train;

    @BeforeAll
    static void data() {
        data = SeriesData.nextValue(50);
        train = data.train().head(700);
    }

    @Test
    void linearModelLearnsAndRecordsHistory() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MultiLayerNetwork model = Models.linear(50, 1);
        History h = Training.fit(model, train, data.valid(), 3,
                new FitOptions().out(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertEquals(3, h.epochs());
        assertEquals(java.util.List.of("epoch", "loss", "val_loss", "seconds"), h.table().columnNames());
        assertEquals(51, h.params());
        assertTrue(h.valLoss()[2] < h.valLoss()[0], "validation loss should fall: " + h);
        assertEquals(h.last("val_loss"), Training.evaluate(model, data.valid()), 1e-9);
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.matches("(?s)Epoch 1/3 - \\d+\\.\\ds - loss: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4}\n.*Epoch 3/3.*"),
                log);
    }

    @Test
    void metricColumnsAreReportedEveryEpoch() {
        SeriesData seq = SeriesData.sequenceToSequence(50, 10);
        MultiLayerNetwork model = Models.sequenceToSequenceRnn(50, 10);
        History h = Training.fit(model, seq.train().head(200), seq.valid().head(300), 1,
                new FitOptions().out(null), Metrics.LAST_TIME_STEP_MSE);
        INDArray pred = Training.predict(model, seq.valid().head(300).x());
        assertArrayEquals(new long[] {300, 50, 10}, pred.shape());
        assertEquals(Metrics.lastTimeStepMse(seq.valid().head(300).y(), pred), h.last("val_last_time_step_mse"), 1e-9);
    }

    @Test
    void modelDescriptionsNameTheBooksLayers() {
        assertEquals("SimpleRnn(20) > SimpleRnn(20) > Output(1), 1281 params",
                Training.describe(Models.deepRnnDenseOutput(50, 1)));
        assertEquals("Lstm(20) > Lstm(20) > RnnOutput(10), 5250 params", Training.describe(Models.lstm(50, 10)));
    }

    @Test
    void sameSeedSameLossHistory() {
        FitOptions quiet = new FitOptions().out(null);
        History a = Training.fit(Models.deepRnnDenseOutput(50, 1), train.head(200), data.valid().head(100), 2, quiet);
        History b = Training.fit(Models.deepRnnDenseOutput(50, 1), train.head(200), data.valid().head(100), 2, quiet);
        assertArrayEquals(a.loss(), b.loss(), 0.0);
        assertArrayEquals(a.valLoss(), b.valLoss(), 0.0);
    }

    @Test
    void mismatchedTargetsGetAClearError() {
        SeriesData ten = SeriesData.nextValues(50, 10);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Training.fit(Models.linear(50, 1), ten.train().head(50), ten.valid(), 1));
        assertTrue(e.getMessage().contains("train.y has 10 values per forecast but the model outputs 1"), e.getMessage());
    }

    @Test
    void computationGraphsTrainPredictAndEvaluate() {
        SeriesData seq = SeriesData.sequenceToSequence(50, 10);
        var graph = Models.originalWavenet(50, 10, true);
        Split valid = seq.valid().head(300);
        History h = Training.fit(graph, seq.train().head(300), valid, 2, new FitOptions().out(null),
                Metrics.LAST_TIME_STEP_MSE);
        assertEquals(17130, h.params());
        assertTrue(h.loss()[1] < h.loss()[0], "training loss should fall: " + h);
        INDArray pred = Training.predict(graph, valid.x());
        assertArrayEquals(new long[] {300, 50, 10}, pred.shape());
        assertEquals(h.last("val_loss"), Training.evaluate(graph, valid), 1e-9);
        assertEquals(Metrics.lastTimeStepMse(valid.y(), pred), h.last("val_last_time_step_mse"), 1e-9);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Training.fit(graph, SeriesData.nextValues(50, 10).train().head(50), valid, 1));
        assertTrue(e.getMessage().contains("holds one forecast per series"), e.getMessage());
    }

    @Test
    void sequenceLossIsReportedInKerasUnits() {
        // Keras' loss is the mean over batch, steps and outputs: the same number as Metrics.mse of the predictions.
        SeriesData seq = SeriesData.sequenceToSequence(50, 10);
        Split valid = seq.valid().head(100);
        for (org.deeplearning4j.nn.api.Model model : new org.deeplearning4j.nn.api.Model[] {
                Models.sequenceToSequenceRnn(50, 10), Models.wavenet(50, 10), Models.originalWavenet(50, 10, true)}) {
            INDArray x = Training.toNcw(valid.x());
            INDArray y = Training.toNcw(valid.y());
            double score = model instanceof MultiLayerNetwork net
                    ? net.score(new org.nd4j.linalg.dataset.DataSet(x, y))
                    : ((org.deeplearning4j.nn.graph.ComputationGraph) model).score(new org.nd4j.linalg.dataset.DataSet(x, y));
            double mse = Metrics.mse(valid.y(), Training.predict(model, valid.x()));
            // float32 score against a double-precision mean: equal to about 1e-6 relative.
            assertEquals(mse, Training.kerasLoss(score, y), 1e-5 * mse);
        }
    }

    @Test
    void shortenedSequencesNeedDownsampledTargets() {
        SeriesData seq = SeriesData.sequenceToSequence(50, 10);
        MultiLayerNetwork model = Models.conv1dGru(50, 10);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Training.fit(model, seq.train().head(64), seq.valid().head(64), 1, new FitOptions().out(null)));
        assertTrue(e.getMessage().contains("train.y has 50 time steps but the model outputs 24"), e.getMessage());
        SeriesData conv = seq.downsampleTargets(3, 2);
        History h = Training.fit(model, conv.train().head(64), conv.valid().head(64), 1, new FitOptions().out(null),
                Metrics.LAST_TIME_STEP_MSE);
        assertEquals(1, h.epochs());
        assertArrayEquals(new long[] {64, 24, 10}, Training.predict(model, conv.valid().head(64).x()).shape());
    }

    @Test
    void nanInputsAreRejected() {
        INDArray x = train.x().dup();
        x.putScalar(0, 3, 0, Double.NaN);
        var e = assertThrows(IllegalArgumentException.class, () -> new Split("train", x, train.y()));
        assertTrue(e.getMessage().contains("train.x") && e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Training.fit(Models.linear(50, 1), train, data.valid(), 0));
    }

    @Test
    void divergingTrainingStopsWithAdvice() {
        // Targets of order 1e20 square to infinity in float32: the first batch's loss is not finite.
        Split huge = new Split("train", train.x(), train.y().mul(1e20));
        MultiLayerNetwork model = Models.linear(50, 1);
        var e = assertThrows(TrainingDivergedException.class,
                () -> Training.fit(model, huge, data.valid().head(10), 5, new FitOptions().out(null)));
        assertTrue(e.getMessage().contains("lower learning rate"), e.getMessage());
    }

    @Test
    void lossExplodingWithinTheFirstEpochIsDivergence() {
        // Adam at a learning rate of 100 moves each of the linear model's weights by about 100 per batch: within the
        // first epoch the batch loss grows from about 0.1 to millions while staying finite. One epoch only, so no
        // later epoch can be compared with the first.
        MultiLayerNetwork model = Models.linear(50, 1);
        model.setLearningRate(100);
        var e = assertThrows(TrainingDivergedException.class,
                () -> Training.fit(model, train, data.valid().head(10), 1, new FitOptions().out(null)));
        assertTrue(e.getMessage().matches("(?s)Training of .* diverged at epoch 1, batch \\d+: the batch loss exploded "
                + "from .* to .*lower learning rate.*"), e.getMessage());
        // The same model at the book's rate trains without a complaint.
        Training.fit(Models.linear(50, 1), train, data.valid().head(10), 1, new FitOptions().out(null));
    }

    @Test
    void gradientClippingIsAppliedToEveryLayer() {
        MultiLayerNetwork model = Models.deepRnnDenseOutput(50, 1);
        Training.fit(model, train.head(64), data.valid().head(32), 1, new FitOptions().out(null).clipNorm(1.0));
        for (var layer : model.getLayers()) {
            var conf = layer.conf().getLayer();
            if (conf instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer w) {
                conf = w.getUnderlying();
            }
            var base = (org.deeplearning4j.nn.conf.layers.BaseLayer) conf;
            assertEquals(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerParamType, base.getGradientNormalization());
            assertEquals(1.0, base.getGradientNormalizationThreshold(), 0.0);
        }
        // The documented side effect: the setting stays on the model for a later fit without clipping options.
        Training.fit(model, train.head(64), data.valid().head(32), 1, new FitOptions().out(null));
        var first = (org.deeplearning4j.nn.conf.layers.BaseLayer) model.getLayer(0).conf().getLayer();
        assertEquals(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerParamType, first.getGradientNormalization());
        // Clipping every gradient value to 1e-12 freezes the model: Adam's update then is ~1e-12 / (1e-12 + 1e-7).
        MultiLayerNetwork frozen = Models.linear(50, 1);
        INDArray before = frozen.params().dup();
        Training.fit(frozen, train.head(64), data.valid().head(32), 1, new FitOptions().out(null).clipValue(1e-12));
        assertTrue(frozen.params().sub(before).amaxNumber().doubleValue() < 1e-5);
        var e = assertThrows(IllegalArgumentException.class, () -> Training.fit(Models.linear(50, 1), train.head(64),
                data.valid(), 1, new FitOptions().clipNorm(1).clipValue(1)));
        assertTrue(e.getMessage().contains("clipNorm or clipValue"));
    }

    @Test
    void predictKeepsBatchOrderAcrossInferenceBatches() {
        MultiLayerNetwork model = Models.linear(50, 1);
        INDArray x = data.train().head(2500).x();
        INDArray all = Training.predict(model, x);
        INDArray one = model.output(Training.toNcw(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2100, 2101))));
        assertEquals(one.getDouble(0, 0), all.getDouble(2100, 0), 1e-6);
    }

    @Test
    void naiveForecastRepeatsLastValue() {
        INDArray x = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3, 1}, 'c');
        assertArrayEquals(new float[] {3, 3, 6, 6}, Forecasts.naive(x, 2).data().asFloat());
    }
}
