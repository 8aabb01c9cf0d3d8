package io.github.seqbook.data;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The book's {@code generate_time_series(batch_size, n_steps)}: each series is the sum of two sine waves of
 * random frequencies and phases plus uniform noise, returned as float32 of shape {@code [batch, steps, 1]}.
 *
 * <pre>{@code
 * freq1, freq2, offsets1, offsets2 = np.random.rand(4, batch_size, 1)
 * time = np.linspace(0, 1, n_steps)
 * series = 0.5 * np.sin((time - offsets1) * (freq1 * 10 + 10))
 * series += 0.2 * np.sin((time - offsets2) * (freq2 * 20 + 20))
 * series += 0.1 * (np.random.rand(batch_size, n_steps) - 0.5)
 * return series[..., np.newaxis].astype(np.float32)
 * }</pre>
 *
 * The arithmetic follows numpy step by step in float64 before the float32 cast, so the values equal numpy's
 * (at most one float32 ulp apart where the C library's {@code sin} and Java's round differently).
 */
public final class SeriesGenerator {
    private SeriesGenerator() {
    }

    /**
     * {@code np.random.seed(seed); generate_time_series(batch, steps)}.
     *
     * @param batch number of series, at least 1
     * @param steps time steps per series, at least 1
     * @param seed  numpy seed, in [0, 2^32 - 1]
     * @return float32 array of shape {@code [batch, steps, 1]}
     */
    public static INDArray generate(int batch, int steps, long seed) {
        return generate(new NumpyRandom(seed), batch, steps);
    }

    /**
     * {@code generate_time_series(batch, steps)} drawing from an existing generator, as successive calls in
     * the book's notebook do.
     *
     * @param rng   the generator to draw from (advanced by {@code batch * (steps + 4)} doubles)
     * @param batch number of series, at least 1
     * @param steps time steps per series, at least 1
     * @return float32 array of shape {@code [batch, steps, 1]}
     */
    public static INDArray generate(NumpyRandom rng, int batch, int steps) {
        float[] values = generateValues(rng, batch, steps);
        return Nd4j.create(values, new long[] {batch, steps, 1}, 'c').castTo(DataType.FLOAT);
    }

    /**
     * The same values as {@link #generate(NumpyRandom, int, int)}, flat in C order ({@code [batch][steps]}).
     *
     * @param rng   the generator to draw from
     * @param batch number of series, at least 1
     * @param steps time steps per series, at least 1
     * @return {@code batch * steps} float32 values
     */
    public static float[] generateValues(NumpyRandom rng, int batch, int steps) {
        Require.positive("batch", batch);
        Require.positive("steps", steps);
        if ((long) batch * steps > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch * steps must be below 2^31, got " + batch + " * " + steps);
        }
        // np.random.rand(4, batch, 1) in C order: all freq1, then freq2, offsets1, offsets2.
        double[] params = rng.rand(4 * batch);
        double[] noise = rng.rand(batch * steps);
        double[] time = linspace(steps);
        float[] out = new float[batch * steps];
        for (int b = 0; b < batch; b++) {
            double freq1 = params[b];
            double freq2 = params[batch + b];
            double offset1 = params[2 * batch + b];
            double offset2 = params[3 * batch + b];
            double w1 = freq1 * 10 + 10;
            double w2 = freq2 * 20 + 20;
            for (int t = 0; t < steps; t++) {
                double s = 0.5 * Math.sin((time[t] - offset1) * w1);
                s += 0.2 * Math.sin((time[t] - offset2) * w2);
                s += 0.1 * (noise[b * steps + t] - 0.5);
                out[b * steps + t] = (float) s;
            }
        }
        return out;
    }

    /** {@code np.linspace(0, 1, n)}: {@code i * step} with the last value set to exactly 1, as numpy does. */
    static double[] linspace(int n) {
        double[] y = new double[n];
        if (n == 1) {
            return y;
        }
        double step = 1.0 / (n - 1);
        for (int i = 0; i < n; i++) {
            y[i] = i * step;
        }
        y[n - 1] = 1.0;
        return y;
    }
}
