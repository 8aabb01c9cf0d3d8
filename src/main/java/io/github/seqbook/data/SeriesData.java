package io.github.seqbook.data;

import io.github.seqbook.Require;
import io.github.seqbook.RunMode;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The chapter's datasets: 10,000 generated series ({@code np.random.seed(42)}) split 7,000 / 2,000 / 1,000 into
 * train, validation and test, exactly as the book's notebook does. In quick mode ({@link RunMode}) the
 * training split keeps only its first {@link RunMode#QUICK_TRAIN_SERIES} series; validation and test stay whole.
 *
 * @param series    every generated series, {@code [10000, steps + ahead, 1]}
 * @param train     training split
 * @param valid     validation split
 * @param test      test split
 * @param fullTrain size of the book's training split, for messages
 */
public record SeriesData(INDArray series, Split train, Split valid, Split test, int fullTrain) {
    /** The book's seed for every dataset of the chapter. */
    public static final long BOOK_SEED = 42;
    /** Number of series the book generates. */
    public static final int BOOK_SERIES = 10_000;
    /** End of the training rows (exclusive) in the book's split. */
    public static final int TRAIN_END = 7_000;
    /** End of the validation rows (exclusive) in the book's split. */
    public static final int VALID_END = 9_000;

    /**
     * Forecasting the next value: series of {@code steps + 1} values, {@code X = series[:, :steps]},
     * {@code y = series[:, -1]} (shape {@code [batch, 1]}).
     */
    public static SeriesData nextValue(int steps) {
        return nextValues(steps, 1);
    }

    /**
     * Forecasting {@code ahead} values at once: series of {@code steps + ahead} values,
     * {@code X = series[:, :steps]}, {@code Y = series[:, -ahead:, 0]} (shape {@code [batch, ahead]}).
     */
    public static SeriesData nextValues(int steps, int ahead) {
        Require.positive("steps", steps);
        Require.positive("ahead", ahead);
        INDArray series = SeriesGenerator.generate(BOOK_SERIES, steps + ahead, BOOK_SEED);
        return split(series, Targets.inputs(series, steps), Targets.nextValues(series, steps, ahead));
    }

    /**
     * Sequence to sequence: series of {@code steps + ahead} values, {@code X = series[:, :steps]} and at every
     * step the next {@code ahead} values, {@code Y} of shape {@code [batch, steps, ahead]}.
     */
    public static SeriesData sequenceToSequence(int steps, int ahead) {
        Require.positive("steps", steps);
        Require.positive("ahead", ahead);
        INDArray series = SeriesGenerator.generate(BOOK_SERIES, steps + ahead, BOOK_SEED);
        return split(series, Targets.inputs(series, steps), Targets.sequenceToSequence(series, steps, ahead));
    }

    /**
     * The same data with every split's sequence-to-sequence targets downsampled to {@code Y[:, start::stride]}
     * (see {@link Targets#downsample}); inputs are unchanged. The book's strided convolution trains on
     * {@code downsampleTargets(3, 2)}.
     *
     * @throws IllegalArgumentException when the targets are not {@code [batch, steps, ahead]}
     */
    public SeriesData downsampleTargets(int start, int stride) {
        return new SeriesData(series, downsample(train, start, stride), downsample(valid, start, stride),
                downsample(test, start, stride), fullTrain);
    }

    private static Split downsample(Split split, int start, int stride) {
        return new Split(split.name(), split.x(), Targets.downsample(split.y(), start, stride));
    }

    /** Splits inputs and targets 7000/2000/1000 (quick mode: a shorter training split). */
    static SeriesData split(INDArray series, INDArray x, INDArray y) {
        Split all = new Split("all", x, y);
        Split train = all.rows("train", 0, TRAIN_END);
        return new SeriesData(series, train.head(RunMode.trainSeries(train.size())),
                all.rows("valid", TRAIN_END, VALID_END), all.rows("test", VALID_END, BOOK_SERIES), train.size());
    }

    /** Shapes of the three splits, like the book's {@code X_train.shape} printouts. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Split s : new Split[] {train, valid, test}) {
            sb.append(String.format("X_%-5s %-14s y_%-5s %s%n", s.name(), Split.shape(s.x()), s.name(), Split.shape(s.y())));
        }
        if (train.size() != fullTrain) {
            sb.append("quick mode: training on the first ").append(train.size()).append(" of ").append(fullTrain)
                    .append(" training series\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
