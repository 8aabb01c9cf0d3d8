package io.github.seqbook.data;

import java.util.Arrays;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One split of a dataset, in the book's (Keras') layout: inputs {@code x} of shape {@code [batch, steps, features]}
 * ({@code features} is 1 for the book's univariate series) and targets {@code y} of shape {@code [batch, k]} or
 * {@code [batch, steps, k]}.
 *
 * @param name the split's name, such as "train", for messages and tables
 * @param x    inputs, {@code [batch, steps, features]}
 * @param y    targets, with the same batch size as {@code x}
 */
public record Split(String name, INDArray x, INDArray y) {

    /** Checks shapes: {@code x} must be {@code [batch, steps, features]} and {@code y} must have {@code batch} rows. */
    public Split {
        Require.notNull("name", name);
        Require.sequences(name + ".x", x);
        Require.notNull(name + ".y", y);
        if (y.rank() < 2 || y.size(0) != x.size(0)) {
            throw new IllegalArgumentException(name + ".y must have " + x.size(0) + " rows like " + name
                    + ".x and rank 2 or 3, got shape " + Arrays.toString(y.shape()));
        }
    }

    /** Number of series in this split. */
    public int size() {
        return (int) x.size(0);
    }

    /** Number of time steps of each input series. */
    public int steps() {
        return (int) x.size(1);
    }

    /** The first {@code count} series of this split (views, no copy). */
    public Split head(int count) {
        Require.inRange("count", count, 1, size());
        if (count == size()) {
            return this;
        }
        return new Split(name, x.get(NDArrayIndex.interval(0, count)), y.get(NDArrayIndex.interval(0, count)));
    }

    /** Rows {@code [from, to)} of this split under a new name (views, no copy). */
    public Split rows(String newName, int from, int to) {
        Require.inRange("from", from, 0, size() - 1);
        Require.inRange("to", to, from + 1, size());
        return new Split(newName, x.get(NDArrayIndex.interval(from, to)), y.get(NDArrayIndex.interval(from, to)));
    }

    /**
     * Consecutive batches of at most {@code batchSize} series (views, no copy), as a Keras dataset yields them;
     * {@link io.github.seqbook.training.Training#fit} batches by itself.
     */
    public java.util.List<Split> batches(int batchSize) {
        Require.positive("batchSize", batchSize);
        java.util.List<Split> out = new java.util.ArrayList<>();
        for (int from = 0; from < size(); from += batchSize) {
            int to = Math.min(size(), from + batchSize);
            out.add(new Split(name, x.get(NDArrayIndex.interval(from, to)), y.get(NDArrayIndex.interval(from, to))));
        }
        return out;
    }

    /** Number of values per step of each input series (1 for the book's univariate series). */
    public int features() {
        return (int) x.size(2);
    }

    @Override
    public String toString() {
        return String.format("%s: X %s, y %s", name, shape(x), shape(y));
    }

    /** A shape printed like numpy's, e.g. {@code (7000, 50, 1)}. */
    public static String shape(INDArray array) {
        StringBuilder sb = new StringBuilder("(");
        long[] shape = array.shape();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
