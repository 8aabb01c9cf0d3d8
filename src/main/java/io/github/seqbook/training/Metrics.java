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
    public static final Metric LAST_TIME_STEP_MSE = metric("last_time_step_mse", Metrics::lastTimeStepMse);

    /** Keras' {@code "mse"} metric: mean squared error over every value. */
    public static final Metric MSE = metric("mse", Metrics::mse);
    /** Keras' {@code "mae"} metric: mean absolute error over every value. */
    public static final Metric MAE = metric("mae", Metrics::mae);
    /**
     * Keras' {@code "accuracy"} for integer class targets (its {@code sparse_categorical_accuracy}): the fraction of
     * examples (or steps) whose most probable class equals the target class. Targets {@code [batch, 1]} or
     * {@code [batch, steps, 1]} hold class indices; predictions {@code [batch, classes]} or
     * {@code [batch, steps, classes]}.
     */
    public static final Metric ACCURACY = new Metric() {
        @Override
        public String name() {
            return "accuracy";
        }

        @Override
        public double compute(INDArray yTrue, INDArray yPred) {
            return accuracy(yTrue, yPred);
        }

        @Override
        public boolean classIndexTargets() {
            return true;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    private Metrics() {
    }

    /** A metric named {@code name} computed by {@code f(yTrue, yPred)} over values of one shape. */
    static Metric metric(String name, java.util.function.ToDoubleBiFunction<INDArray, INDArray> f) {
        return new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double compute(INDArray yTrue, INDArray yPred) {
                return f.applyAsDouble(yTrue, yPred);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** Mean absolute error over every element; the shapes must match. */
    public static double mae(INDArray yTrue, INDArray yPred) {
        double[][] tp = sameShapeValues(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < tp[0].length; i++) {
            sum += Math.abs(tp[0][i] - tp[1][i]);
        }
        return sum / tp[0].length;
    }

    /**
     * Keras' Huber loss with threshold {@code delta}, averaged over every element: {@code 0.5 e^2} where
     * {@code |e| <= delta}, else {@code delta (|e| - 0.5 delta)}.
     */
    public static double huber(INDArray yTrue, INDArray yPred, double delta) {
        Require.positive("delta", delta);
        double[][] tp = sameShapeValues(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < tp[0].length; i++) {
            double e = Math.abs(tp[0][i] - tp[1][i]);
            sum += e <= delta ? 0.5 * e * e : delta * (e - 0.5 * delta);
        }
        return sum / tp[0].length;
    }

    /**
     * Keras' sparse categorical cross-entropy: the mean over examples (and steps) of {@code -log p[target]}, with
     * {@code p} the predicted probabilities (clipped to [1e-7, 1 - 1e-7] as Keras does). Shapes as {@link #ACCURACY}.
     */
    public static double sparseCategoricalCrossentropy(INDArray yTrue, INDArray yPred) {
        int[] labels = classIndices(yTrue, yPred);
        long classes = yPred.size(yPred.rank() - 1);
        double[] p = yPred.dup('c').data().asDouble();
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double q = Math.min(1 - 1e-7, Math.max(1e-7, p[(int) (i * classes + labels[i])]));
            sum -= Math.log(q);
        }
        return sum / labels.length;
    }

    /** See {@link #ACCURACY}. */
    public static double accuracy(INDArray yTrue, INDArray yPred) {
        int[] labels = classIndices(yTrue, yPred);
        int classes = (int) yPred.size(yPred.rank() - 1);
        double[] p = yPred.dup('c').data().asDouble();
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[i * classes + c] > p[i * classes + best]) {
                    best = c;
                }
            }
            hits += best == labels[i] ? 1 : 0;
        }
        return (double) hits / labels.length;
    }

    /** Class indices of integer targets with one value per prediction row, checked against the predictions. */
    private static int[] classIndices(INDArray yTrue, INDArray yPred) {
        Require.notNull("yTrue", yTrue);
        Require.notNull("yPred", yPred);
        long[] ts = yTrue.shape();
        long[] ps = yPred.shape();
        boolean fits = ts.length == ps.length && ts[ts.length - 1] == 1
                && Arrays.equals(Arrays.copyOf(ts, ts.length - 1), Arrays.copyOf(ps, ps.length - 1));
        if (!fits) {
            throw new IllegalArgumentException("yTrue must hold one class index per prediction, shape "
                    + Arrays.toString(Arrays.copyOf(ps, ps.length - 1)).replace("]", ", 1]") + " for predictions "
                    + Arrays.toString(ps) + ", got " + Arrays.toString(ts));
        }
        double[] t = yTrue.dup('c').data().asDouble();
        long classes = ps[ps.length - 1];
        int[] labels = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            if (t[i] != Math.rint(t[i]) || t[i] < 0 || t[i] >= classes) {
                throw new IllegalArgumentException("yTrue must hold class indices in [0, " + (classes - 1) + "], got "
                        + t[i]);
            }
            labels[i] = (int) t[i];
        }
        return labels;
    }

    private static double[][] sameShapeValues(INDArray yTrue, INDArray yPred) {
        Require.notNull("yTrue", yTrue);
        Require.notNull("yPred", yPred);
        if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException("yTrue and yPred must have the same shape, got "
                    + Arrays.toString(yTrue.shape()) + " and " + Arrays.toString(yPred.shape()));
        }
        if (yTrue.length() == 0) {
            throw new IllegalArgumentException("yTrue must not be empty");
        }
        return new double[][] {yTrue.dup('c').data().asDouble(), yPred.dup('c').data().asDouble()};
    }

    /** Mean squared error over every element; the shapes must match. */
    public static double mse(INDArray yTrue, INDArray yPred) {
        double[][] tp = sameShapeValues(yTrue, yPred);
        double[] t = tp[0];
        double[] p = tp[1];
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
