package io.github.seqbook.training;

import java.util.Arrays;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The chapter's metrics, computed in double precision over float32 values.
 */
public final class Metrics {
    /**
     * The book's {@code last_time_step_mse}: for a sequence-to-sequence target {@code [batch, steps, ahead]},
     * the mean squared error of the last time step only ({@code Y[:, -1]}), the forecast that matters.
     */
    public static final Metric LAST_TIME_STEP_MSE = new Metric() {
        @Override
        public String name() {
            return "last_time_step_mse";
        }

        @Override
        public double compute(INDArray yTrue, INDArray yPred) {
            return lastTimeStepMse(yTrue, yPred);
        }

        @Override
        public String toString() {
            return name();
        }
    };

    private Metrics() {
    }

    /** Mean squared error over every element; the shapes must match. */
    public static double mse(INDArray yTrue, INDArray yPred) {
        Require.notNull("yTrue", yTrue);
        Require.notNull("yPred", yPred);
        if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException("yTrue and yPred must have the same shape, got "
                    + Arrays.toString(yTrue.shape()) + " and " + Arrays.toString(yPred.shape()));
        }
        if (yTrue.length() == 0) {
            throw new IllegalArgumentException("yTrue must not be empty");
        }
        double[] t = yTrue.dup('c').data().asDouble();
        double[] p = yPred.dup('c').data().asDouble();
        double sum = 0;
        for (int i = 0; i < t.length; i++) {
            double d = t[i] - p[i];
            sum += d * d;
        }
        return sum / t.length;
    }

    /** {@code mse(Y[:, -1], Y_pred[:, -1])} for {@code [batch, steps, ahead]} arrays. */
    public static double lastTimeStepMse(INDArray yTrue, INDArray yPred) {
        Require.rank("yTrue", yTrue, 3, "[batch, steps, ahead]");
        Require.rank("yPred", yPred, 3, "[batch, steps, ahead]");
        long last = yTrue.size(1) - 1;
        return mse(yTrue.get(NDArrayIndex.all(), NDArrayIndex.point(last), NDArrayIndex.all()),
                yPred.get(NDArrayIndex.all(), NDArrayIndex.point(yPred.size(1) - 1), NDArrayIndex.all()));
    }

    /**
     * The naive forecast's MSE: predict that every one of the next values equals the last input value.
     *
     * @param x inputs {@code [batch, steps, 1]}
     * @param y targets {@code [batch, ahead]}
     */
    public static double naiveMse(INDArray x, INDArray y) {
        Require.series("x", x);
        Require.rank("y", y, 2, "[batch, ahead]");
        return mse(y, Forecasts.naive(x, (int) y.size(1)));
    }
}
