package io.github.seqbook.arima;

import io.github.seqbook.Require;
import jdplus.toolkit.base.api.data.DoubleSeq;
import jdplus.toolkit.base.api.stats.AutoCovariances;

import java.util.function.IntToDoubleFunction;

/**
 * The sample autocorrelation function (ACF) and partial autocorrelation function (PACF) of a series, with the 95%
 * bands that statsmodels' {@code plot_acf} and {@code plot_pacf(..., method="ywm")} shade: the data behind the
 * book's ACF/PACF figure of the rail series (lags 0..35).
 *
 * <p>ACF: autocovariances over {@code n} (not {@code n - k}) divided by the variance, as statsmodels'
 * {@code acf(adjusted=False)}; PACF: the Durbin-Levinson recursion on that ACF (Yule-Walker, "ywm"). Both from the
 * JDemetra+ toolkit. Bands: Bartlett's formula {@code 1.96 sqrt((1 + 2 sum_(j<k) acf_j^2) / n)} for the ACF,
 * {@code 1.96 / sqrt(n)} for the PACF; a bar outside its band is significant at 5%.
 *
 * <p>Book section: "The ARMA Model Family" (3rd edition), the ACF/PACF sidebar.
 *
 * @param acf      {@code acf[k]} for lags {@code k = 0 .. maxLag}; {@code acf[0] = 1}
 * @param pacf     {@code pacf[k]} for lags {@code k = 0 .. maxLag}; {@code pacf[0] = 1}
 * @param acfBand  half-width of the ACF's 95% band at each lag ({@code acfBand[0] = 0})
 * @param pacfBand half-width of the PACF's 95% band at each lag ({@code pacfBand[0] = 0})
 * @param n        number of values in the series
 */
public record Autocorrelations(double[] acf, double[] pacf, double[] acfBand, double[] pacfBand, int n) {
    /** The normal quantile of a two-sided 95% band. */
    static final double Z_95 = 1.959963984540054;

    /**
     * Computes lags {@code 0 .. maxLag} of {@code series}.
     *
     * @param series the values, oldest first: finite, more than {@code maxLag + 1} of them, not all equal
     * @param maxLag the last lag, at least 1 (the book uses 35)
     */
    public static Autocorrelations of(double[] series, int maxLag) {
        Require.notNull("series", series);
        Require.positive("maxLag", maxLag);
        if (series.length <= maxLag + 1) {
            throw new IllegalArgumentException("series must have more than maxLag + 1 = " + (maxLag + 1)
                    + " values, got " + series.length);
        }
        double mean = 0;
        for (int i = 0; i < series.length; i++) {
            if (!Double.isFinite(series[i])) {
                throw new IllegalArgumentException("series must be finite, got series[" + i + "] = " + series[i]);
            }
            mean += series[i];
        }
        mean /= series.length;
        DoubleSeq data = DoubleSeq.of(series.clone());
        if (!(AutoCovariances.variance(data, mean) > 0)) {
            throw new IllegalArgumentException("series must not be constant (its variance is 0)");
        }
        IntToDoubleFunction correlation = AutoCovariances.autoCorrelationFunction(data, mean);
        int n = series.length;
        double[] acf = new double[maxLag + 1];
        double[] acfBand = new double[maxLag + 1];
        double sumSquares = 0;
        acf[0] = 1;
        for (int k = 1; k <= maxLag; k++) {
            acf[k] = correlation.applyAsDouble(k);
            acfBand[k] = Z_95 * Math.sqrt((1 + 2 * sumSquares) / n);
            sumSquares += acf[k] * acf[k];
        }
        double[] partial = AutoCovariances.partialAutoCorrelations(correlation, maxLag);
        double[] pacf = new double[maxLag + 1];
        double[] pacfBand = new double[maxLag + 1];
        pacf[0] = 1;
        for (int k = 1; k <= maxLag; k++) {
            pacf[k] = partial[k - 1];
            pacfBand[k] = Z_95 / Math.sqrt(n);
        }
        return new Autocorrelations(acf, pacf, acfBand, pacfBand, n);
    }

    /** The last lag. */
    public int maxLag() {
        return acf.length - 1;
    }
}
