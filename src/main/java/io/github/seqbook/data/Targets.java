package io.github.seqbook.data;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Builds inputs and targets out of generated series of shape {@code [batch, total, 1]}, as the book slices them.
 */
public final class Targets {
    private Targets() {
    }

    /** {@code series[:, :steps]}: the first {@code steps} values of each series, {@code [batch, steps, 1]}. */
    public static INDArray inputs(INDArray series, int steps) {
        Require.series("series", series);
        Require.inRange("steps", steps, 1, (int) series.size(1) - 1);
        return series.get(NDArrayIndex.all(), NDArrayIndex.interval(0, steps), NDArrayIndex.all()).dup('c');
    }

    /**
     * {@code series[:, steps:steps + ahead, 0]}: the {@code ahead} values following the input window,
     * {@code [batch, ahead]}. With {@code ahead = 1} this is the book's {@code y = series[:, -1]}.
     */
    public static INDArray nextValues(INDArray series, int steps, int ahead) {
        Require.series("series", series);
        Require.positive("ahead", ahead);
        Require.inRange("steps", steps, 1, (int) series.size(1) - ahead);
        return series.get(NDArrayIndex.all(), NDArrayIndex.interval(steps, steps + ahead), NDArrayIndex.point(0))
                .dup('c');
    }

    /**
     * The sequence-to-sequence target: at every input step {@code t} the next {@code ahead} values,
     * {@code Y[:, t, k-1] = series[:, t + k, 0]} for {@code k = 1..ahead}; shape {@code [batch, steps, ahead]}.
     *
     * <pre>{@code
     * Y = np.empty((10000, n_steps, 10))
     * for step_ahead in range(1, 10 + 1):
     *     Y[..., step_ahead - 1] = series[..., step_ahead:step_ahead + n_steps, 0]
     * }</pre>
     */
    public static INDArray sequenceToSequence(INDArray series, int steps, int ahead) {
        Require.series("series", series);
        Require.positive("ahead", ahead);
        Require.inRange("steps", steps, 1, (int) series.size(1) - ahead);
        INDArray y = Nd4j.create(series.dataType(), series.size(0), steps, ahead);
        for (int k = 1; k <= ahead; k++) {
            y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(k - 1))
                    .assign(series.get(NDArrayIndex.all(), NDArrayIndex.interval(k, k + steps), NDArrayIndex.point(0)));
        }
        return y;
    }

    /**
     * {@code Y[:, start::stride]}: every {@code stride}-th time step of a sequence-to-sequence target, starting at
     * {@code start}; shape {@code [batch, ceil((steps - start) / stride), ahead]}.
     *
     * <p>The book trains its strided convolution ({@code Conv1D(kernel_size=4, strides=2, padding="valid")}) on
     * {@code Y_train[:, 3::2]}: output step {@code i} of that layer sees inputs {@code 2i .. 2i+3}, so the last
     * input it knows is {@code 2i+3} and its target is the window that follows that input, {@code Y[:, 2i+3]}.
     * In general a valid convolution with kernel {@code k} and stride {@code s} needs
     * {@code downsample(y, k - 1, s)}; for 50 steps, {@code k = 4}, {@code s = 2} that is 24 steps (3, 5, ..., 49),
     * as many as the layer outputs.
     *
     * <p>As in numpy, a {@code start} on the last step (or a stride past the end) keeps that one step:
     * {@code Y[:, 49::2]} of 50 steps has shape {@code [batch, 1, ahead]}.
     *
     * @param y      targets {@code [batch, steps, ahead]}
     * @param start  first step kept, in {@code [0, steps - 1]}
     * @param stride distance between kept steps, at least 1
     * @throws IllegalArgumentException when {@code y} is not rank 3, {@code start} is outside
     *                                  {@code [0, steps - 1]} (the result would be empty) or {@code stride < 1}
     */
    public static INDArray downsample(INDArray y, int start, int stride) {
        Require.rank("y", y, 3, "[batch, steps, ahead]");
        Require.inRange("start", start, 0, (int) y.size(1) - 1);
        Require.positive("stride", stride);
        return y.get(NDArrayIndex.all(), NDArrayIndex.indices(keptSteps(y.size(1), start, stride)), NDArrayIndex.all())
                .dup('c');
    }

    /**
     * The steps numpy's {@code start::stride} keeps out of {@code steps}: {@code start, start + stride, ...} below
     * {@code steps}. Listed explicitly because ND4J's strided {@code NDArrayIndex.interval(start, stride, end)} throws
     * "Indices are out of range" whenever {@code end - start < stride} (e.g. start 49, stride 2 of 50 steps).
     */
    static long[] keptSteps(long steps, long start, long stride) {
        long[] kept = new long[(int) ((steps - start + stride - 1) / stride)];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = start + i * stride;
        }
        return kept;
    }
}
