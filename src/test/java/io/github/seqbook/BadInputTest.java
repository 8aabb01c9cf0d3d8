package io.github.seqbook;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;

import io.github.seqbook.data.NumpyRandom;
import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.SeriesGenerator;
import io.github.seqbook.data.Split;
import io.github.seqbook.data.Targets;
import io.github.seqbook.models.ModelFiles;
import io.github.seqbook.models.Models;
import io.github.seqbook.plots.Plots;
import io.github.seqbook.tables.Results;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.Forecasts;
import io.github.seqbook.training.Metrics;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every public entry point, given bad input, fails with an {@link IllegalArgumentException} whose message names
 * the argument (and for numbers, the value or the allowed range), never with an ND4J stack trace or a NaN.
 */
class BadInputTest {
    static final SeriesData ONE = SeriesData.nextValue(50);
    static final SeriesData TEN = SeriesData.nextValues(50, 10);
    static final SeriesData SEQ = SeriesData.sequenceToSequence(50, 10);
    static final MultiLayerNetwork LINEAR = Models.linear(50, 1);
    static final MultiLayerNetwork DEEP = Models.deepRnnDenseOutput(50, 1);
    static final INDArray SERIES = SeriesGenerator.generate(4, 50, 1);
    static final INDArray FLAT = Nd4j.zeros(DataType.FLOAT, 4, 50);
    static final INDArray WITH_NAN = SeriesGenerator.generate(4, 50, 1).putScalar(new long[] {1, 3, 0}, Double.NaN);

    static Arguments bad(String what, String mustMention, Executable call) {
        return Arguments.of(what, mustMention, call);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                bad("zero batch", "batch", () -> SeriesGenerator.generate(0, 50, 42)),
                bad("negative steps", "steps", () -> SeriesGenerator.generate(10, -5, 42)),
                bad("negative seed", "seed", () -> new NumpyRandom(-1)),
                bad("seed above 2^32-1", "seed", () -> new NumpyRandom(1L << 33)),
                bad("negative rand count", "count", () -> new NumpyRandom(1).rand(-1)),
                bad("zero steps dataset", "steps", () -> SeriesData.nextValue(0)),
                bad("zero ahead dataset", "ahead", () -> SeriesData.nextValues(50, 0)),
                bad("2-D series where [batch, steps, 1] is expected", "[batch, steps, 1]",
                        () -> Targets.inputs(FLAT, 10)),
                bad("window longer than the series", "steps", () -> Targets.nextValues(SERIES, 50, 1)),
                bad("empty split", "empty", () -> new Split("train", Nd4j.zeros(DataType.FLOAT, 0, 50, 1),
                        Nd4j.zeros(DataType.FLOAT, 0, 1))),
                bad("NaN in inputs", "NaN", () -> new Split("train", WITH_NAN, Nd4j.zeros(DataType.FLOAT, 4, 1))),
                bad("rows of x and y differ", "rows", () -> new Split("train", SERIES, Nd4j.zeros(DataType.FLOAT, 3, 1))),
                bad("head beyond the split", "count", () -> ONE.valid().head(5000)),
                bad("downsample stride 0", "stride", () -> Targets.downsample(SEQ.valid().y(), 3, 0)),
                bad("zero outputs", "outputs", () -> Models.linear(50, 0)),
                bad("dropout rate 1", "rate", () -> Models.sequenceToSequenceRnnWithDropout(50, 10, 1.0)),
                bad("learning rate 0", "learningRate", () -> Models.kerasAdam(0)),
                bad("negative dilation", "dilation", () -> Models.receptiveField(2, 1, -2)),
                bad("epochs 0", "epochs", () -> Training.fit(LINEAR, ONE.train().head(10), ONE.valid(), 0)),
                bad("null model", "model", () -> Training.fit(null, ONE.train(), ONE.valid(), 1)),
                bad("targets of another model", "values per forecast",
                        () -> Training.fit(LINEAR, TEN.train().head(10), TEN.valid(), 1)),
                bad("batch size 0", "batchSize", () -> new FitOptions().batchSize(0)),
                bad("clip norm 0", "clipNorm", () -> new FitOptions().clipNorm(0)),
                bad("2-D input to predict", "[batch, steps, features]", () -> Training.predict(LINEAR, FLAT)),
                bad("NaN input to predict", "NaN", () -> Training.predict(LINEAR, WITH_NAN)),
                bad("evaluate with mismatched targets", "values per forecast", () -> Training.evaluate(LINEAR, TEN.valid())),
                bad("forecast 0 steps ahead", "ahead", () -> Forecasts.forecastAhead(DEEP, SERIES, 0)),
                bad("iterative forecast with a 10-output model", "one value",
                        () -> Forecasts.forecastAhead(Models.deepRnnDenseOutput(50, 10), SERIES, 3)),
                bad("predict on fewer steps than a valid convolution needs", "at least 4",
                        () -> Training.predict(Models.conv1dGru(50, 10), SeriesGenerator.generate(2, 3, 1))),
                bad("predict on another length than a Flatten model reads", "exactly 50",
                        () -> Training.predict(LINEAR, SeriesGenerator.generate(2, 30, 1))),
                bad("iterative forecast with a fixed-length model", "forecastAhead",
                        () -> Forecasts.forecastAhead(LINEAR, SERIES, 10)),
                bad("one MC Dropout sample", "samples", () -> Forecasts.mcDropout(DEEP, SERIES, 1, 0)),
                bad("coverage of mismatched shapes", "same shape",
                        () -> Forecasts.coverage(Nd4j.zeros(2, 3), Nd4j.zeros(2, 3), Nd4j.zeros(3, 2), 2)),
                bad("mse of mismatched shapes", "same shape", () -> Metrics.mse(Nd4j.zeros(2, 3), Nd4j.zeros(3, 2))),
                bad("last step of a 2-D array", "[batch, steps, ahead]", () -> Metrics.lastTimeStepMse(FLAT, FLAT)),
                bad("plot of a series that does not exist", "indices[0]", () -> Plots.series(ONE.valid(), 2000)),
                bad("plot without series", "indices", () -> Plots.series(ONE.valid())),
                bad("band of 0 standard deviations", "k", () -> Plots.forecastBand(SERIES, Nd4j.zeros(4, 10),
                        Nd4j.zeros(4, 10), Nd4j.zeros(4, 10), 0)),
                bad("forecast and actual of different lengths", "same length",
                        () -> Plots.multipleForecasts(SERIES, Nd4j.zeros(4, 10), Nd4j.zeros(4, 5))),
                bad("model name with a path", "name", () -> ModelFiles.chapterModel("../../etc")),
                bad("load of a missing file", "no saved model", () -> ModelFiles.loadNetwork(Path.of("/nonexistent.zip"))),
                bad("results row without a model name", "model", () -> Results.forNotebook("01").add(null, "val_mse", 1)),
                bad("book epochs 0", "bookEpochs", () -> RunMode.epochs(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithAClearMessage(String what, String mustMention, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, what);
        assertTrue(e.getMessage() != null && e.getMessage().contains(mustMention),
                what + ": the message should mention '" + mustMention + "', got: " + e.getMessage());
        StackTraceElement thrower = e.getStackTrace()[0];
        assertTrue(thrower.getClassName().startsWith("io.github.seqbook"),
                what + ": thrown from " + thrower + " instead of by the library's own checks");
    }
}
