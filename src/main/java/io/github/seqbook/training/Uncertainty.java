package io.github.seqbook.training;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A forecast with error bars from {@link Forecasts#mcDropout}: the mean and standard deviation over
 * {@code samples} stochastic forward passes, both in the layout of {@link Training#predict}.
 *
 * @param mean    the mean forecast
 * @param std     the standard deviation of the forecasts (population, ddof 0 like numpy's default)
 * @param samples how many passes were averaged
 */
public record Uncertainty(INDArray mean, INDArray std, int samples) {
}
