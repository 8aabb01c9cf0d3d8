package io.github.seqbook.models;

import static io.github.seqbook.keras.Keras.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.github.seqbook.Require;
import io.github.seqbook.data.Chorales;
import io.github.seqbook.keras.KerasModel;
import io.github.seqbook.keras.Sequential;
import io.github.seqbook.training.TrainingInterruptedException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The book's model of Bach's chorales (chapter 15, exercise 10) and its two ways of composing with it.
 *
 * <p>The model reads token ids {@code [batch, steps, 1]} (see {@link Chorales#token}) and outputs, at every step,
 * the probabilities of the next token {@code [batch, steps, 47]}: a 5-dimensional embedding, a small WaveNet (causal
 * convolutions of 32, 48, 64 and 96 filters, kernel 2, dilation rates 1, 2, 4, 8, each followed by batch
 * normalization), an LSTM of 256 units returning sequences and a softmax over the 47 tokens; 396,810 parameters as
 * the book's summary.
 *
 * <p>Generation follows the book's {@code generate_chorale} (greedy: always the most likely note) and
 * {@code generate_chorale_v2} (sampling from the probabilities sharpened or flattened by a temperature): the seed
 * chords are unrolled to tokens, then one note at a time is predicted from the whole sequence so far and appended,
 * 4 notes per chord.
 */
public final class Bach {
    /** The book's embedding size. */
    public static final int EMBEDDING_DIMS = 5;
    /** The book's number of epochs. */
    public static final int EPOCHS = 20;
    /** The model's name in the results tables (the book's numbers: {@link io.github.seqbook.tables.BookResults}). */
    public static final String RESULTS_NAME = "Embedding(47 5)+causal Conv1D 32/48/64/96 dilations 1-2-4-8 with "
            + "BatchNorm + LSTM(256) + Dense(47 softmax)";

    private Bach() {
    }

    /**
     * The book's model, not compiled: Embedding(47, 5), causal Conv1D 32/48/64/96 (kernel 2, ReLU, dilations
     * 1/2/4/8) each followed by BatchNormalization, LSTM(256, return sequences), Dense(47, softmax); input of any
     * length.
     */
    public static Sequential model() {
        return sequential(input(ANY_LENGTH, 1),
                embedding(Chorales.TOKENS, EMBEDDING_DIMS),
                conv1d(32, 2).padding("causal").activation("relu"),
                batchNormalization(),
                conv1d(48, 2).padding("causal").dilationRate(2).activation("relu"),
                batchNormalization(),
                conv1d(64, 2).padding("causal").dilationRate(4).activation("relu"),
                batchNormalization(),
                conv1d(96, 2).padding("causal").dilationRate(8).activation("relu"),
                batchNormalization(),
                lstm(256).returnSequences(true),
                dense(Chorales.TOKENS, "softmax"));
    }

    /** {@link #model()} compiled as the book: Nadam(learning rate 1e-3), sparse categorical cross-entropy, accuracy. */
    public static Sequential compiledModel() {
        return model().compile(nadam(1e-3), sparseCategoricalCrossentropy(), accuracy());
    }

    /**
     * How long training the book's model would take on this machine now, measured before a long fit so that the
     * notebook can say it: a fresh model (the caller's model is left untouched) trains on 3 batches of 32 windows
     * (the first, a warm-up, left out) and predicts up to 128 validation windows; the times are scaled to the
     * batches of an epoch and the whole validation split that {@code fit} evaluates after every epoch.
     *
     * @param train  the training split ({@code [windows, steps, 1]} tokens)
     * @param valid  the validation split
     * @param epochs the epochs to estimate, at least 1
     */
    public static Estimate estimateFit(io.github.seqbook.data.Split train, io.github.seqbook.data.Split valid,
                                       int epochs) {
        Require.notNull("train", train);
        Require.notNull("valid", valid);
        Require.positive("epochs", epochs);
        Sequential probe = compiledModel();
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = probe.network();
        int batch = Math.min(32, train.size());
        double sum = 0;
        for (int b = 0; b < 3; b++) {
            int from = (b * batch) % Math.max(1, train.size() - batch + 1);
            io.github.seqbook.data.Split part = train.rows("probe", from, from + batch);
            INDArray x = io.github.seqbook.training.Training.toNcw(part.x());
            INDArray y = io.github.seqbook.training.Training.toNcw(part.y());
            long start = System.nanoTime();
            net.fit(x, y);
            if (b > 0) {
                sum += (System.nanoTime() - start) / 1e9;
            }
        }
        double perBatch = sum / 2;
        int probeRows = Math.min(128, valid.size());
        long start = System.nanoTime();
        probe.predict(valid.head(probeRows).x());
        double validation = (System.nanoTime() - start) / 1e9 * valid.size() / probeRows;
        int batches = (train.size() + 31) / 32;
        return new Estimate(perBatch, batches, validation, epochs);
    }

    /**
     * A training time estimate ({@link #estimateFit}).
     *
     * @param secondsPerBatch   seconds per training batch of 32 windows
     * @param batchesPerEpoch   batches per epoch
     * @param validationSeconds seconds of the validation pass after each epoch
     * @param epochs            epochs estimated
     */
    public record Estimate(double secondsPerBatch, int batchesPerEpoch, double validationSeconds, int epochs) {
        /** Seconds per epoch, validation included. */
        public double secondsPerEpoch() {
            return secondsPerBatch * batchesPerEpoch + validationSeconds;
        }

        /** Seconds for all epochs. */
        public double totalSeconds() {
            return secondsPerEpoch() * epochs;
        }

        @Override
        public String toString() {
            double total = totalSeconds();
            return String.format(java.util.Locale.ROOT, "about %.0f s per epoch (%.2f s per batch of 32 x %d batches, "
                    + "%.0f s of validation), so %d %s about %s", secondsPerEpoch(), secondsPerBatch,
                    batchesPerEpoch, validationSeconds, epochs, epochs == 1 ? "epoch takes" : "epochs take",
                    total < 120 ? String.format(java.util.Locale.ROOT, "%.0f s", total)
                            : String.format(java.util.Locale.ROOT, "%.0f min", total / 60));
        }
    }

    /**
     * The book's {@code generate_chorale}: extends {@code seedChords} by {@code chords} chords, choosing each note
     * as the most likely one.
     *
     * @param model      a compiled model reading tokens {@code [1, steps, 1]} and returning
     *                   {@code [1, steps, 47]} probabilities (e.g. {@link #compiledModel()})
     * @param seedChords the first chords, {@code int[n][4]} of notes (the book: 8 chords of a test chorale)
     * @param chords     chords to add, at least 1 (the book: 56)
     * @return the seed chords followed by the new ones, {@code int[n + chords][4]} of notes
     */
    public static int[][] generate(KerasModel model, int[][] seedChords, int chords) {
        return compose(model, seedChords, chords, new double[] {0}, new Random(0)).get(0);
    }

    /**
     * The book's {@code generate_chorale_v2}: each note drawn at random from the model's probabilities raised to
     * {@code 1 / temperature} and normalized (the book divides the log-probabilities by the temperature); below 1
     * the likely notes get likelier (cautious), above 1 the unlikely ones do (daring).
     *
     * @param temperature a number > 0 (the book: 0.8, 1.0 and 1.5)
     * @param seed        the seed of the draws: the same seed gives the same chorale
     */
    public static int[][] generate(KerasModel model, int[][] seedChords, int chords, double temperature, long seed) {
        Require.positive("temperature", temperature);
        return compose(model, seedChords, chords, new double[] {temperature}, new Random(seed)).get(0);
    }

    /**
     * Several sampled chorales from the same seed chords at once, one per temperature (one batch through the model,
     * so three chorales cost about as much as one); the draws come from one generator seeded with {@code seed}.
     *
     * @return one chorale per temperature, in order
     */
    public static List<int[][]> generate(KerasModel model, int[][] seedChords, int chords, long seed,
                                         double... temperatures) {
        Require.notNull("temperatures", temperatures);
        if (temperatures.length == 0) {
            throw new IllegalArgumentException("temperatures must hold at least one temperature");
        }
        for (int i = 0; i < temperatures.length; i++) {
            Require.positive("temperatures[" + i + "]", temperatures[i]);
        }
        return compose(model, seedChords, chords, temperatures, new Random(seed));
    }

    /** Generation for a batch of rows; temperature 0 means greedy. */
    private static List<int[][]> compose(KerasModel model, int[][] seedChords, int chords, double[] temperatures,
                                         Random random) {
        Require.notNull("model", model);
        Chorales.checkChorale("seedChords", seedChords);
        Require.positive("chords", chords);
        int rows = temperatures.length;
        int[] seed = Chorales.arpeggio(seedChords);
        int total = seed.length + chords * Chorales.VOICES;
        int[][] tokens = new int[rows][total];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(seed, 0, tokens[r], 0, seed.length);
        }
        for (int t = seed.length; t < total; t++) {
            final int done = t - seed.length;
            if (Thread.currentThread().isInterrupted()) {
                throw new TrainingInterruptedException(String.format("generate: interrupted after %d of %d notes",
                        done, chords * Chorales.VOICES));
            }
            float[] x = new float[rows * t];
            for (int r = 0; r < rows; r++) {
                for (int s = 0; s < t; s++) {
                    x[r * t + s] = tokens[r][s];
                }
            }
            INDArray probas = model.predict(Nd4j.create(x, new long[] {rows, t, 1}, DataType.FLOAT));
            if (probas.rank() != 3 || probas.size(1) != t || probas.size(2) != Chorales.TOKENS) {
                throw new IllegalArgumentException("model must output [batch, steps, " + Chorales.TOKENS
                        + "] probabilities for [batch, steps, 1] tokens, got shape " + Arrays.toString(probas.shape()));
            }
            for (int r = 0; r < rows; r++) {
                double[] p = probas.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(t - 1),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).toDoubleVector();
                tokens[r][t] = temperatures[r] == 0 ? argmax(p) : sample(p, temperatures[r], random);
            }
        }
        List<int[][]> out = new ArrayList<>();
        for (int[] row : tokens) {
            out.add(Chorales.chords(row));
        }
        return out;
    }

    /** The most likely token (the first of ties, as numpy's argmax). */
    static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * A token drawn with probability proportional to {@code p^(1/temperature)}, which equals the book's
     * {@code categorical(log(p) / temperature)}. Computed in log space, shifted by the maximum, so that small
     * probabilities and low temperatures neither underflow nor overflow.
     */
    static int sample(double[] p, double temperature, Random random) {
        double[] logits = new double[p.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            logits[i] = p[i] > 0 ? Math.log(p[i]) / temperature : Double.NEGATIVE_INFINITY;
            max = Math.max(max, logits[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("the model's probabilities are all 0 (or NaN): cannot sample a note");
        }
        double sum = 0;
        double[] w = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            w[i] = Math.exp(logits[i] - max);
            sum += w[i];
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < w.length; i++) {
            u -= w[i];
            if (u < 0) {
                return i;
            }
        }
        for (int i = w.length - 1; i >= 0; i--) {
            if (w[i] > 0) {
                return i; // rounding left u just above 0: the last token that can be drawn
            }
        }
        return argmax(w);
    }
}
