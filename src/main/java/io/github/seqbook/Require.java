package io.github.seqbook;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Argument checks shared by the public helpers, so bad input fails early with a message that names the
 * argument, the value and what is allowed, instead of an ND4J stack trace from deep inside.
 */
public final class Require {
    private Require() {
    }

    /** Fails unless {@code value >= 1}. */
    public static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
        return value;
    }

    /** Fails unless {@code value} is finite and {@code > 0}. */
    public static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /** Fails unless {@code min <= value <= max}. */
    public static int inRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Fails unless {@code min <= value <= max} (and not NaN). */
    public static double inRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Fails when {@code value} is null. */
    public static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /**
     * Fails unless {@code array} has {@code rank} dimensions and at least one row.
     *
     * @param expected the expected shape in words, for the message, e.g. "[batch, steps, 1]"
     */
    public static INDArray rank(String name, INDArray array, int rank, String expected) {
        notNull(name, array);
        if (array.rank() != rank) {
            throw new IllegalArgumentException(name + " must have shape " + expected + ", got "
                    + Arrays.toString(array.shape()));
        }
        if (array.size(0) < 1) {
            throw new IllegalArgumentException(name + " must not be empty, got shape " + Arrays.toString(array.shape()));
        }
        return array;
    }

    /** Fails unless {@code array} is a batch of univariate series, shape {@code [batch, steps, 1]}. */
    public static INDArray series(String name, INDArray array) {
        rank(name, array, 3, "[batch, steps, 1]");
        if (array.size(2) != 1 || array.size(1) < 1) {
            throw new IllegalArgumentException(name + " must have shape [batch, steps, 1], got "
                    + Arrays.toString(array.shape()));
        }
        return finite(name, array);
    }

    /**
     * Fails unless {@code array} is a batch of series with any number of features, shape
     * {@code [batch, steps, features]}, holding finite values.
     */
    public static INDArray sequences(String name, INDArray array) {
        rank(name, array, 3, "[batch, steps, features]");
        if (array.size(1) < 1 || array.size(2) < 1) {
            throw new IllegalArgumentException(name + " must have shape [batch, steps, features] with steps and "
                    + "features >= 1, got " + Arrays.toString(array.shape()));
        }
        return finite(name, array);
    }

    /** Fails when {@code array} holds a NaN or an infinity. */
    public static INDArray finite(String name, INDArray array) {
        notNull(name, array);
        if (array.isEmpty()) {
            return array;
        }
        if (BooleanIndexing.or(array, Conditions.isNan()) || BooleanIndexing.or(array, Conditions.isInfinite())) {
            throw new IllegalArgumentException(name + " must hold only finite values, but it contains NaN or Inf");
        }
        return array;
    }
}
