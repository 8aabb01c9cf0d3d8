package io.github.seqbook.training;

import java.util.Arrays;

import io.github.seqbook.Require;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Forecasting helpers: the naive baseline and, with a trained model, forecasts several steps ahead.
 */
public final class Forecasts {
    private Forecasts() {
    }

    /**
     * The naive forecast: every one of the next {@code ahead} values equals the last observed value,
     * {@code [batch, ahead]}.
     *
     * @param x     series {@code [batch, steps, 1]}
     * @param ahead number of future values, at least 1
     */
    public static INDArray naive(INDArray x, int ahead) {
        Require.series("x", x);
        Require.positive("ahead", ahead);
        INDArray last = x.get(NDArrayIndex.all(), NDArrayIndex.point(x.size(1) - 1), NDArrayIndex.point(0))
                .reshape(x.size(0), 1);
        return last.broadcast(x.size(0), ahead).dup('c');
    }

    /**
     * The naive forecast of one feature of a multivariate series: its last observed value repeated {@code ahead}
     * times, {@code [batch, ahead]}.
     *
     * @param x       series {@code [batch, steps, features]}
     * @param ahead   number of future values, at least 1
     * @param feature the feature forecast, in {@code [0, features - 1]}
     */
    public static INDArray naive(INDArray x, int ahead, int feature) {
        Require.sequences("x", x);
        Require.positive("ahead", ahead);
        Require.inRange("feature", feature, 0, (int) x.size(2) - 1);
        INDArray last = x.get(NDArrayIndex.all(), NDArrayIndex.point(x.size(1) - 1), NDArrayIndex.point(feature))
                .reshape(x.size(0), 1);
        return last.broadcast(x.size(0), ahead).dup('c');
    }

    /**
     * The forecast of the last time step of a sequence-to-sequence output, {@code Y[:, -1]}:
     * {@code [batch, steps, ahead] -> [batch, ahead]}.
     */
    public static INDArray lastStep(INDArray sequences) {
        Require.rank("sequences", sequences, 3, "[batch, steps, ahead]");
        return sequences.get(NDArrayIndex.all(), NDArrayIndex.point(sequences.size(1) - 1), NDArrayIndex.all())
                .dup('c');
    }

    /**
     * Forecasts {@code ahead} steps one at a time, feeding each forecast back as the next input, as the book's
     * loop does ({@code X = np.concatenate([X, model.predict(X)[:, np.newaxis, :]], axis=1)}): the input grows
     * by one step per forecast, which a recurrent model handles natively.
     *
     * <p>A multivariate series is fed back whole: the model must forecast the next value of every feature
     * ({@code [batch, features]}), and forecast {@code j} becomes feature {@code j} of the next input step. (A model
     * forecasting fewer features than it reads cannot be run ahead alone: the other features' future is unknown.)
     *
     * @param model a model forecasting the next step from a series of any length (an RNN)
     * @param x     series {@code [batch, steps, features]}
     * @param ahead steps to forecast, at least 1
     * @return forecasts {@code [batch, ahead]} for a univariate series, {@code [batch, ahead, features]} otherwise
     * @throws IllegalArgumentException when the model reads one fixed length (a Flatten + Dense model cannot read
     *                                  the grown input) or does not forecast every input feature
     */
    public static INDArray forecastAhead(Model model, INDArray x, int ahead) {
        Require.notNull("model", model);
        Require.sequences("x", x);
        Require.positive("ahead", ahead);
        if (InputSteps.fixedLength(model, x.size(2)) > 0) {
            throw new IllegalArgumentException("model reads " + InputSteps.fixedDescription(model, x.size(2))
                    + " (a Flatten in front of a Dense layer), but forecastAhead feeds each forecast back as one more "
                    + "step: use a model that reads any length (an RNN), or one that forecasts all " + ahead
                    + " values at once (Models.linear(steps, " + ahead + "))");
        }
        INDArray grown = x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        long n = x.size(0);
        long steps = x.size(1);
        long features = x.size(2);
        for (int k = 0; k < ahead; k++) {
            final int done = k;
            TrainingInterruptedException.check(() -> String.format("forecastAhead: interrupted after %d of %d steps",
                    done, ahead));
            INDArray next = Training.predict(model, grown);
            if (next.rank() != 2 || next.size(1) != features) {
                throw new IllegalArgumentException("forecastAhead needs a model that forecasts one value per series "
                        + (features > 1 ? "and feature (" + features + " here) " : "") + "to feed back as the next "
                        + "input step, but this one outputs shape " + Arrays.toString(next.shape()));
            }
            grown = Nd4j.concat(1, grown, next.reshape(n, 1, features).castTo(grown.dataType()));
        }
        INDArray ahead3 = grown.get(NDArrayIndex.all(), NDArrayIndex.interval(steps, steps + ahead), NDArrayIndex.all());
        return features == 1 ? ahead3.reshape(n, ahead).dup('c') : ahead3.dup('c');
    }

    /**
     * MC Dropout (Gal and Ghahramani, 2016): runs the model {@code samples} times with dropout active at
     * inference and returns the mean and standard deviation of the forecasts. A model without dropout gives
     * identical samples (zero spread).
     *
     * <p>Side effect: the dropout masks come from ND4J's global random generator, which this reseeds with
     * {@code seed} ({@code Nd4j.getRandom().setSeed}); random draws after the call (e.g. a later fit's dropout
     * masks) follow from {@code seed}, not from what came before.
     *
     * @param model   a network with dropout layers (e.g. {@link io.github.seqbook.models.Models#sequenceToSequenceRnnWithDropout})
     * @param x       series {@code [batch, steps, features]}
     * @param samples number of stochastic forward passes, at least 2
     * @param seed    seed of the dropout masks, for reproducible bands
     * @return per-forecast mean and standard deviation, in the layout of {@link Training#predict}
     * @throws IllegalArgumentException when {@code x} is not {@code [batch, steps, 1]} or has a length the model
     *                                  cannot read, or {@code samples} is outside {@code [2, 100000]}
     */
    public static Uncertainty mcDropout(Model model, INDArray x, int samples, long seed) {
        Require.notNull("model", model);
        Require.sequences("x", x);
        Require.inRange("samples", samples, 2, 100_000);
        InputSteps.check(model, "x", x.size(1), x.size(2));
        INDArray ncw = Training.toNcw(x);
        Nd4j.getRandom().setSeed(seed);
        // Running mean and sum of squared deviations (Welford), in double: memory for one forecast, not for all
        // samples (100 samples of notebook 02's validation forecasts took 1.6 GB when kept). One pass per sample
        // over the whole input, as before, so the dropout masks are drawn in the same order.
        INDArray mean = null;
        INDArray squares = null;
        for (int i = 0; i < samples; i++) {
            final int done = i;
            TrainingInterruptedException.check(() -> String.format("mcDropout: interrupted after %d of %d samples; "
                    + "the model is unchanged", done, samples));
            INDArray draw = Training.fromNcw(Training.output(model, ncw, true)).castTo(DataType.DOUBLE);
            if (mean == null) {
                mean = draw.dup('c');
                squares = Nd4j.zeros(DataType.DOUBLE, draw.shape());
                continue;
            }
            INDArray delta = draw.sub(mean);
            mean.addi(delta.div(i + 1));
            squares.addi(delta.muli(draw.sub(mean)));
        }
        // population standard deviation (numpy's default ddof=0, as before)
        INDArray std = org.nd4j.linalg.ops.transforms.Transforms.sqrt(squares.divi(samples), false);
        return new Uncertainty(mean, std, samples);
    }

    /**
     * The fraction of {@code actual} values inside {@code mean +- k * std} (about 95% for {@code k = 1.96} when
     * the forecast errors are Gaussian and the spread is calibrated).
     */
    public static double coverage(INDArray actual, INDArray mean, INDArray std, double k) {
        Require.notNull("actual", actual);
        if (!Arrays.equals(actual.shape(), mean.shape()) || !Arrays.equals(mean.shape(), std.shape())) {
            throw new IllegalArgumentException("actual, mean and std must have the same shape, got "
                    + Arrays.toString(actual.shape()) + ", " + Arrays.toString(mean.shape()) + ", "
                    + Arrays.toString(std.shape()));
        }
        double[] a = actual.dup('c').data().asDouble();
        double[] m = mean.dup('c').data().asDouble();
        double[] s = std.dup('c').data().asDouble();
        int inside = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - m[i]) <= k * s[i]) {
                inside++;
            }
        }
        return (double) inside / a.length;
    }
}
