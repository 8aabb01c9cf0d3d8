package io.github.seqbook.training;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Forecasting helpers: the naive baseline and, with a trained model, forecasts several steps ahead.
 */
public final class Forecasts {
    private Forecasts() {
    }

    /**
     * The naive forecast: every one of the next {@code ahead} values equals the last observed value,
     * {@code [batch, ahead]}.
     *
     * @param x     series {@code [batch, steps, 1]}
     * @param ahead number of future values, at least 1
     */
    public static INDArray naive(INDArray x, int ahead) {
        Require.series("x", x);
        Require.positive("ahead", ahead);
        INDArray last = x.get(NDArrayIndex.all(), NDArrayIndex.point(x.size(1) - 1), NDArrayIndex.point(0))
                .reshape(x.size(0), 1);
        return last.broadcast(x.size(0), ahead).dup('c');
    }
}
