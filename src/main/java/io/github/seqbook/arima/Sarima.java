package io.github.seqbook.arima;

import java.util.Arrays;

import io.github.seqbook.Require;
import jdplus.toolkit.base.api.arima.SarimaSpec;
import jdplus.toolkit.base.api.data.DoubleSeq;
import jdplus.toolkit.base.core.regarima.RegArimaEstimation;
import jdplus.toolkit.base.core.regarima.RegArimaForecasts;
import jdplus.toolkit.base.core.regarima.RegArimaModel;
import jdplus.toolkit.base.core.regsarima.RegSarimaComputer;
import jdplus.toolkit.base.core.sarima.SarimaModel;
import jdplus.toolkit.base.core.sarima.estimation.SarimaMapping;

/**
 * A seasonal ARIMA model, SARIMA(p, d, q)(P, D, Q, s) without a constant, as statsmodels'
 * {@code ARIMA(y, order=(p, d, q), seasonal_order=(P, D, Q, s))} that the book fits on the rail series. Estimation
 * and forecasts come from the JDemetra+ toolkit (National Bank of Belgium, EUPL-1.2): exact maximum likelihood of
 * the differenced series (Kalman filter, innovation variance concentrated out, Hannan-Rissanen starting point,
 * Levenberg-Marquardt), forecasts by the exact diffuse Kalman filter.
 *
 * <p>This is the likelihood statsmodels maximises too, and the same maximum ({@code bench/sarima_check.py}): on the
 * book's 151 days, ar 0.4715, seasonal ma -0.9102, log-likelihood -1847.95, forecast 403,277 riders for 2019-06-01.
 * The book's code prints 427,758.6 (and MAE 32,040.7 for the daily refits, against 36,767 here) because statsmodels'
 * L-BFGS, which optimises the innovation variance (about 1e10 riders squared) alongside ar and ma, stops with the
 * variance still at its starting value and the log-likelihood at -1857.20; with {@code concentrate_scale=True}, or
 * on the data divided by 1e6, statsmodels reaches -1847.95 and forecasts within a few riders of this class.
 *
 * <p>Book section: "The ARMA Model Family" (3rd edition, chapter 15).
 */
public final class Sarima {
    /** Convergence precision of the likelihood maximisation (JDemetra+'s {@code precision}). */
    static final double PRECISION = 1e-9;

    private final SarimaSpec spec;

    private Sarima(SarimaSpec spec) {
        this.spec = spec;
    }

    /**
     * SARIMA(p, d, q)(P, D, Q, s), in statsmodels' order: {@code order=(p, d, q)},
     * {@code seasonal_order=(P, D, Q, s)}. The book's model is {@code of(1, 0, 0, 0, 1, 1, 7)}.
     *
     * @param period the season length s in steps (7 for daily data with a weekly pattern); 1 with P = D = Q = 0
     *               for a plain ARIMA
     */
    public static Sarima of(int p, int d, int q, int seasonalP, int seasonalD, int seasonalQ, int period) {
        Require.inRange("p", p, 0, 5);
        Require.inRange("d", d, 0, 2);
        Require.inRange("q", q, 0, 5);
        Require.inRange("seasonalP", seasonalP, 0, 2);
        Require.inRange("seasonalD", seasonalD, 0, 1);
        Require.inRange("seasonalQ", seasonalQ, 0, 2);
        Require.positive("period", period);
        if (period == 1 && seasonalP + seasonalD + seasonalQ > 0) {
            throw new IllegalArgumentException("period must be > 1 when the seasonal order (" + seasonalP + ", "
                    + seasonalD + ", " + seasonalQ + ") is not (0, 0, 0), got 1");
        }
        return new Sarima(SarimaSpec.builder().period(period).p(p).d(d).q(q)
                .bp(seasonalP).bd(seasonalD).bq(seasonalQ).build());
    }

    /** The fewest observations {@link #fit} accepts: the differencing plus twice the number of parameters. */
    public int minObservations() {
        int lost = spec.getD() + spec.getBd() * spec.getPeriod();
        int params = spec.getP() + spec.getQ() + (spec.getBp() + spec.getBq());
        return lost + 2 * Math.max(params, 1) + 1;
    }

    /**
     * Estimates the model on {@code y} (oldest first).
     *
     * @param y the series, at least {@link #minObservations()} finite values
     * @throws IllegalArgumentException when {@code y} is too short or holds NaN or infinite values
     * @throws IllegalStateException    when the optimiser fails
     */
    public Fit fit(double[] y) {
        Require.notNull("y", y);
        if (y.length < minObservations()) {
            throw new IllegalArgumentException("y must have at least " + minObservations() + " values to fit " + this
                    + ", got " + y.length);
        }
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("y must be finite, got y[" + i + "] = " + y[i]);
            }
        }
        DoubleSeq data = DoubleSeq.of(y.clone());
        RegArimaModel<SarimaModel> model = RegArimaModel.<SarimaModel>builder()
                .arima(SarimaModel.builder(spec).build())
                .y(data)
                .meanCorrection(false)
                .build();
        // Sequential: refitting every day is many small fits, and the project keeps one thread per process.
        RegSarimaComputer computer = RegSarimaComputer.builder()
                .startingPoint(RegSarimaComputer.StartingPoint.HannanRissanen)
                .precision(PRECISION)
                .useParallelProcessing(false)
                .build();
        RegArimaEstimation<SarimaModel> estimation = computer.process(model, SarimaMapping.of(spec.orders()));
        if (estimation == null) {
            throw new IllegalStateException("the estimation of " + this + " on " + y.length + " values failed");
        }
        return new Fit(this, data, estimation);
    }

    /**
     * The book's loop: for each step {@code t} from {@code first} to the end, fits the model on {@code series[0..t)}
     * (all the values before {@code t}) and forecasts {@code series[t]}, one step ahead.
     *
     * @param series the whole series, oldest first
     * @param first  the first step to forecast, at least {@link #minObservations()}
     * @return {@code series.length - first} forecasts, for steps {@code first .. series.length - 1}
     */
    public double[] rollingForecasts(double[] series, int first) {
        Require.notNull("series", series);
        Require.inRange("first", first, minObservations(), series.length - 1);
        double[] forecasts = new double[series.length - first];
        for (int t = first; t < series.length; t++) {
            forecasts[t - first] = fit(Arrays.copyOf(series, t)).forecast(1)[0];
        }
        return forecasts;
    }

    /** statsmodels' {@code order}: (p, d, q). */
    public int[] order() {
        return new int[] {spec.getP(), spec.getD(), spec.getQ()};
    }

    /** statsmodels' {@code seasonal_order}: (P, D, Q, s). */
    public int[] seasonalOrder() {
        return new int[] {spec.getBp(), spec.getBd(), spec.getBq(), spec.getPeriod()};
    }

    /** E.g. {@code SARIMA(1,0,0)(0,1,1,7)}. */
    @Override
    public String toString() {
        return "SARIMA(" + spec.getP() + "," + spec.getD() + "," + spec.getQ() + ")(" + spec.getBp() + ","
                + spec.getBd() + "," + spec.getBq() + "," + spec.getPeriod() + ")";
    }

    /**
     * A fitted SARIMA: its coefficients (with statsmodels' signs: {@code y_t = ar_1 y_(t-1) + ... + e_t + ma_1
     * e_(t-1) + ...} on the differenced series), innovation variance, log-likelihood and forecasts.
     */
    public static final class Fit {
        private final Sarima model;
        private final DoubleSeq y;
        private final SarimaModel estimated;
        private final double logLikelihood;
        private final double sigma2;

        Fit(Sarima model, DoubleSeq y, RegArimaEstimation<SarimaModel> estimation) {
            this.model = model;
            this.y = y;
            this.estimated = estimation.getModel().arima();
            this.logLikelihood = estimation.getConcentratedLikelihood().logLikelihood();
            // The maximum-likelihood innovation variance: residual sum of squares over the differenced length.
            this.sigma2 = estimation.getConcentratedLikelihood().ssq() / estimation.getConcentratedLikelihood().dim();
        }

        /** The model that was fitted. */
        public Sarima model() {
            return model;
        }

        /** Regular AR coefficients, statsmodels' {@code ar.L1, ...}. */
        public double[] ar() {
            // JDemetra+ writes the AR polynomial as 1 + phi_1 B + ...; statsmodels as 1 - ar_1 B - ...
            return negated(estimated.getPhi());
        }

        /** Regular MA coefficients, statsmodels' {@code ma.L1, ...} (both write 1 + theta_1 B + ...). */
        public double[] ma() {
            return estimated.getTheta().toArray();
        }

        /** Seasonal AR coefficients, statsmodels' {@code ar.S.L7, ...}. */
        public double[] seasonalAr() {
            return negated(estimated.getBphi());
        }

        /** Seasonal MA coefficients, statsmodels' {@code ma.S.L7, ...}. */
        public double[] seasonalMa() {
            return estimated.getBtheta().toArray();
        }

        /** The innovation variance (maximum likelihood), in the data's units squared. */
        public double sigma2() {
            return sigma2;
        }

        /** The exact log-likelihood of the differenced series at the estimates. */
        public double logLikelihood() {
            return logLikelihood;
        }

        /** Number of values the model was fitted on. */
        public int observations() {
            return y.length();
        }

        /**
         * Forecasts of the next {@code steps} values after the fitted series.
         *
         * @param steps how many steps ahead, at least 1
         */
        public double[] forecast(int steps) {
            Require.positive("steps", steps);
            return RegArimaForecasts.calcForecast(estimated, y, steps, sigma2).getForecasts();
        }

        /** Standard deviations of the {@link #forecast} errors (the innovation variance taken as known). */
        public double[] forecastStd(int steps) {
            Require.positive("steps", steps);
            return RegArimaForecasts.calcForecast(estimated, y, steps, sigma2).getForecastsStdev();
        }

        @Override
        public String toString() {
            return String.format("%s on %d values: ar %s, ma %s, seasonal ar %s, seasonal ma %s, sigma2 %.6g,"
                    + " log-likelihood %.3f", model, observations(), Arrays.toString(ar()), Arrays.toString(ma()),
                    Arrays.toString(seasonalAr()), Arrays.toString(seasonalMa()), sigma2, logLikelihood);
        }

        private static double[] negated(DoubleSeq values) {
            double[] out = values.toArray();
            for (int i = 0; i < out.length; i++) {
                out[i] = -out[i];
            }
            return out;
        }
    }
}
