package io.github.seqbook.homework;

import static io.github.seqbook.keras.Keras.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import io.github.seqbook.data.Split;
import io.github.seqbook.data.Windows;
import io.github.seqbook.keras.Scores;
import io.github.seqbook.keras.Sequential;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.Forecasts;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Uncertainty;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Course homework done with the library's public API only, as a student would in a notebook: other sizes than the
 * book's (30 steps, 5 ahead, 32 units), an LSTM and a GRU composed by hand, a series of one's own as a plain
 * {@code double[]}, a 3-feature series with 2 targets, early stopping; checks shapes, that training lowers the loss,
 * and that {@code summary()} counts parameters as Keras does.
 */
class HomeworkTest {
    static final int STEPS = 30;
    static final int AHEAD = 5;
    static final int UNITS = 32;
    static final FitOptions QUIET = new FitOptions().out(null);

    /** "Your own data": a noisy seasonal series of 800 days, as a plain array. */
    static double[] mySeries(long seed, double phase) {
        Random random = new Random(seed);
        double[] s = new double[800];
        for (int t = 0; t < s.length; t++) {
            s[t] = 0.5 * Math.sin(t / 7.0 + phase) + 0.3 * Math.sin(t / 29.0) + 0.05 * random.nextGaussian();
        }
        return s;
    }

    /** The parameter count printed on a summary row. */
    static long params(String summary, String row) {
        String line = summary.lines().filter(l -> l.startsWith(row + " ")).findFirst().orElseThrow(() ->
                new AssertionError("no row " + row + " in\n" + summary));
        String[] cells = line.trim().split("\\s+");
        return Long.parseLong(cells[cells.length - 1]);
    }

    @Test
    void anLstmForecastsFiveDaysOfMyOwnSeries() {
        Windows w = Windows.of(mySeries(1, 0)).length(STEPS).ahead(AHEAD);
        Split train = w.rows(0, 600).shuffle(42).nextValues("train");
        Split valid = w.rows(600, 800).nextValues("valid");
        assertArrayEquals(new long[] {566, STEPS, 1}, train.x().shape());
        assertArrayEquals(new long[] {566, AHEAD}, train.y().shape());

        Sequential model = sequential(input(ANY_LENGTH, 1),
                lstm(UNITS).returnSequences(),
                lstm(UNITS),
                dense(AHEAD));
        model.compile(adam(), mse(), mae());
        String summary = model.summary();
        // Keras: LSTM(32) on 1 input 4 * 32 * (1 + 32 + 1); on 32 inputs 4 * 32 * (32 + 32 + 1); Dense(5) 33 * 5.
        assertEquals(4352, params(summary, "lstm"));
        assertEquals(8320, params(summary, "lstm_1"));
        assertEquals(165, params(summary, "dense"));
        assertTrue(summary.contains("Total params: 12,837"), summary);

        History h = model.fit(train, valid, 6, QUIET.copy().earlyStopping("val_loss", 2, true));
        assertTrue(h.loss()[h.epochs() - 1] < h.loss()[0], "the loss falls:\n" + h);
        Scores scores = model.evaluate(valid);
        assertEquals(2, scores.values().length);
        assertTrue(scores.get("mae") > 0 && scores.loss() < 0.5 * variance(valid.y()), scores + " vs var "
                + variance(valid.y()));
        assertArrayEquals(new long[] {valid.size(), AHEAD}, model.predict(valid.x()).shape());
    }

    static double variance(INDArray y) {
        return y.varNumber().doubleValue();
    }

    @Test
    void aGruForecastsAtEveryStep() {
        Windows w = Windows.of(mySeries(2, 1)).length(STEPS).ahead(AHEAD);
        Split train = w.rows(0, 600).shuffle(7).sequenceToSequence("train");
        Split valid = w.rows(600, 800).sequenceToSequence("valid");
        assertArrayEquals(new long[] {566, STEPS, AHEAD}, train.y().shape());
        Sequential model = sequential(input(ANY_LENGTH, 1),
                gru(UNITS).returnSequences(),
                timeDistributed(dense(AHEAD)));
        model.compile(adam(0.01), mse(), lastTimeStepMse());
        assertEquals(3360, params(model.summary(), "gru")); // Keras: 3 * 32 * (1 + 32 + 2)
        History h = model.fit(train, valid, 4, QUIET);
        assertTrue(h.loss()[3] < h.loss()[0], h.toString());
        assertTrue(h.last("val_last_time_step_mse") < variance(valid.y()), h.toString());
        assertArrayEquals(new long[] {valid.size(), STEPS, AHEAD}, model.predict(valid.x()).shape());
    }

    @Test
    void threeFeaturesTwoTargets() {
        // Bus, rail and a third feature, step by step: [800, 3]; forecast bus and rail of the next day.
        double[] bus = mySeries(3, 0);
        double[] rail = mySeries(4, 0.5);
        double[] other = mySeries(5, 2);
        INDArray table = Nd4j.create(new double[][] {bus, rail, other}).transpose();
        Windows w = Windows.of(table).length(STEPS).ahead(1).targets(0, 1);
        Split train = w.rows(0, 600).shuffle(1).nextValues("train");
        Split valid = w.rows(600, 800).nextValues("valid");
        assertArrayEquals(new long[] {570, STEPS, 3}, train.x().shape());
        assertArrayEquals(new long[] {570, 2}, train.y().shape());
        Sequential model = sequential(input(ANY_LENGTH, 3),
                gru(UNITS).returnSequences().dropout(0.1),
                lstm(UNITS),
                dense(2));
        model.compile(nadam(), huber(), mse());
        String summary = model.summary();
        assertEquals(3552, params(summary, "gru"));   // Keras: 3 * 32 * (3 + 32 + 2)
        assertEquals(8320, params(summary, "lstm"));  // 4 * 32 * (32 + 32 + 1)
        assertEquals(66, params(summary, "dense"));   // 33 * 2
        History h = model.fit(train, valid, 4, QUIET);
        assertTrue(h.loss()[3] < h.loss()[0], h.toString());
        assertArrayEquals(new long[] {valid.size(), 2}, model.predict(valid.x()).shape());
        Uncertainty u = Forecasts.mcDropout(model.network(), valid.x(), 5, 42);
        assertArrayEquals(new long[] {valid.size(), 2}, u.mean().shape());
        assertTrue(u.std().maxNumber().doubleValue() > 0, "dropout makes the samples differ");
    }

    @Test
    void theBooksLayersCountLikeKeras() {
        assertEquals(440, params(sequential(input(ANY_LENGTH, 1), simpleRnn(20)).summary(), "simple_rnn"));
        assertEquals(1380, params(sequential(input(ANY_LENGTH, 1), gru(20)).summary(), "gru"));
        assertEquals(1760, params(sequential(input(ANY_LENGTH, 1), lstm(20)).summary(), "lstm"));
        assertEquals(100, params(sequential(input(ANY_LENGTH, 1), conv1d(20, 4)).summary(), "conv1d"));
    }

    @Test
    void aModelForecastingEveryFeatureRunsAhead() {
        INDArray two = Nd4j.create(new double[][] {mySeries(6, 0), mySeries(7, 1)}).transpose();
        Windows w = Windows.of(two).length(STEPS);
        Split train = w.rows(0, 600).nextValues("train");
        Sequential model = sequential(input(ANY_LENGTH, 2), simpleRnn(8), dense(2)).compile(adam(), mse());
        model.fit(train, train, 1, QUIET);
        INDArray ahead = Forecasts.forecastAhead(model.network(), train.x().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)), AHEAD);
        assertArrayEquals(new long[] {3, AHEAD, 2}, ahead.shape());
    }
}
