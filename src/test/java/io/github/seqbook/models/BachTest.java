package io.github.seqbook.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.github.seqbook.data.Chorales;
import io.github.seqbook.keras.Sequential;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The book's Bach model (exercise 10): its summary, its output, and generation greedy and with a temperature. */
class BachTest {
    static Sequential model;
    static final int[][] SEED = {{74, 70, 65, 58}, {74, 70, 65, 58}, {75, 70, 58, 55}, {0, 70, 58, 55}};

    @BeforeAll
    static void build() {
        model = Bach.compiledModel();
    }

    @Test
    void summaryCountsTheBooksParameters() {
        String summary = model.summary();
        // The book's model.summary(): 396,810 parameters, of which 396,330 trainable (the batch norms' moving
        // means and variances, 2 x (32 + 48 + 64 + 96) = 480, are not).
        assertTrue(summary.contains("Total params: 396,810"), summary);
        assertTrue(summary.contains("Trainable params: 396,330"), summary);
        assertTrue(summary.contains("Non-trainable params: 480"), summary);
        assertTrue(summary.contains("lstm (LSTM)") && summary.contains("361472"), summary);
        assertTrue(summary.contains("(None, None, 47)"), summary);
        assertEquals(396_810, model.network().numParams());
    }

    @Test
    void theBooksAccuraciesAreInTheResultsTable() {
        // book3_results.csv, rows 06: validation accuracy 0.8189 and test accuracy 0.8164 after 20 epochs.
        var valid = io.github.seqbook.tables.BookResults.find("06", Bach.RESULTS_NAME, "val_accuracy").orElseThrow();
        var test = io.github.seqbook.tables.BookResults.find("06", Bach.RESULTS_NAME, "test_accuracy").orElseThrow();
        assertEquals(0.8189, valid.value(), 1e-9);
        assertEquals(0.8164, test.value(), 1e-4);
        assertEquals(Bach.EPOCHS, valid.epochs());
    }

    @Test
    void outputsNextNoteProbabilitiesAtEveryStep() {
        INDArray x = Nd4j.create(new float[] {1, 5, 46, 0, 12, 12, 30, 7, 2, 2}, new long[] {2, 5, 1}, DataType.FLOAT);
        INDArray p = model.predict(x);
        assertArrayEquals(new long[] {2, 5, 47}, p.shape());
        INDArray sums = p.sum(2);
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 5; t++) {
                assertEquals(1.0, sums.getDouble(i, t), 1e-4);
            }
        }
        assertTrue(p.minNumber().doubleValue() >= 0);
        // Causal: changing the last token leaves the earlier steps' outputs unchanged.
        INDArray y = x.dup();
        y.putScalar(new long[] {0, 4, 0}, 40);
        INDArray q = model.predict(y);
        assertEquals(p.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)),
                q.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)));
    }

    @Test
    void greedyGenerationExtendsTheSeedDeterministically() {
        int[][] chorale = Bach.generate(model, SEED, 3);
        assertEquals(SEED.length + 3, chorale.length);
        for (int c = 0; c < SEED.length; c++) {
            assertArrayEquals(SEED[c], chorale[c]);
        }
        Chorales.checkChorale("generated", chorale);
        assertTrue(Arrays.deepEquals(chorale, Bach.generate(model, SEED, 3)));
        // Each new note is the model's most likely next token for the sequence so far.
        int[] tokens = Chorales.arpeggio(chorale);
        int seedNotes = SEED.length * 4;
        for (int t = seedNotes; t < tokens.length; t++) {
            float[] x = new float[t];
            for (int s = 0; s < t; s++) {
                x[s] = tokens[s];
            }
            INDArray p = model.predict(Nd4j.create(x, new long[] {1, t, 1}, DataType.FLOAT));
            INDArray last = p.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t - 1), org.nd4j.linalg.indexing.NDArrayIndex.all());
            assertEquals(last.argMax().getInt(0), tokens[t], "note " + t);
        }
    }

    @Test
    void sampledGenerationIsReproducibleForASeed() {
        int[][] a = Bach.generate(model, SEED, 4, 1.0, 7);
        int[][] b = Bach.generate(model, SEED, 4, 1.0, 7);
        assertTrue(Arrays.deepEquals(a, b));
        // The untrained model's probabilities are nearly uniform: other draws give another chorale.
        boolean differs = false;
        for (long seed = 8; seed < 12 && !differs; seed++) {
            differs = !Arrays.deepEquals(a, Bach.generate(model, SEED, 4, 1.0, seed));
        }
        assertTrue(differs);
        List<int[][]> three = Bach.generate(model, SEED, 2, 42, 0.8, 1.0, 1.5);
        assertEquals(3, three.size());
        for (int[][] chorale : three) {
            assertEquals(SEED.length + 2, chorale.length);
            assertArrayEquals(SEED[3], chorale[3]);
        }
    }

    @Test
    void temperatureReshapesTheProbabilities() {
        double[] p = {0.8, 0.2};
        Random random = new Random(1);
        int n = 20_000;
        // p^(1/T) normalised: T = 1 keeps 0.8; T = 0.5 gives 0.64 / 0.68 = 0.941; T = 2 gives 0.894 / 1.342 = 0.667.
        assertEquals(0.8, frequencyOfFirst(p, 1.0, random, n), 0.015);
        assertEquals(0.64 / 0.68, frequencyOfFirst(p, 0.5, random, n), 0.01);
        assertEquals(Math.sqrt(0.8) / (Math.sqrt(0.8) + Math.sqrt(0.2)), frequencyOfFirst(p, 2.0, random, n), 0.015);
        // A token of probability 0 is never drawn, even when hot.
        double[] q = {0.0, 0.5, 0.5};
        for (int i = 0; i < 1000; i++) {
            assertFalse(Bach.sample(q, 3.0, random) == 0);
        }
        assertEquals(2, Bach.argmax(new double[] {0.1, 0.2, 0.7}));
    }

    private static double frequencyOfFirst(double[] p, double temperature, Random random, int n) {
        int first = 0;
        for (int i = 0; i < n; i++) {
            first += Bach.sample(p, temperature, random) == 0 ? 1 : 0;
        }
        return (double) first / n;
    }

    @Test
    void estimatesTheTrainingTimeFromAFewBatches() {
        List<int[]> windows = new java.util.ArrayList<>();
        Random random = new Random(3);
        for (int w = 0; w < 100; w++) {
            int[] tokens = new int[132];
            for (int t = 0; t < 132; t++) {
                tokens[t] = random.nextInt(47);
            }
            windows.add(tokens);
        }
        var train = Chorales.split("train", windows);
        var valid = Chorales.split("valid", windows.subList(0, 40));
        String before = model.network().params().toString();
        Bach.Estimate e = Bach.estimateFit(train, valid, 20);
        assertEquals(4, e.batchesPerEpoch()); // 100 windows in batches of 32
        assertTrue(e.secondsPerBatch() > 0 && e.secondsPerBatch() < 60, e.toString());
        assertTrue(e.validationSeconds() > 0, e.toString());
        assertEquals(20 * (4 * e.secondsPerBatch() + e.validationSeconds()), e.totalSeconds(), 1e-9);
        assertTrue(e.toString().contains("20 epochs take about"), e.toString());
        assertEquals(before, model.network().params().toString(), "other models are left untouched");
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bach.generate(model, SEED, 2, 0.0, 1));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bach.generate(model, SEED, 0));
        assertTrue(e.getMessage().contains("chords"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bach.generate(model, new int[][] {{74, 70, 65}}, 2));
        assertTrue(e.getMessage().contains("seedChords"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bach.generate(model, SEED, 2, 1L));
        assertTrue(e.getMessage().contains("temperatures"), e.getMessage());
    }
}
