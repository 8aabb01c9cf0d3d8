package io.github.seqbook.arima;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.github.seqbook.data.DataFiles;
import io.github.seqbook.data.TestData;
import io.github.seqbook.data.Ridership;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * SARIMA against statsmodels 0.13.5 (Debian) on the book's data, against a simulated series with known
 * coefficients, and against hand-computable forecasts. The statsmodels figures come from bench/sarima_check.py,
 * variant "exact" ({@code SARIMAX(simple_differencing=True, concentrate_scale=True)}: the same likelihood).
 */
class SarimaTest {
    /** The book's model: statsmodels' ARIMA(order=(1, 0, 0), seasonal_order=(0, 1, 1, 7)). */
    static final Sarima BOOK = Sarima.of(1, 0, 0, 0, 1, 1, 7);

    @TempDir
    static Path cache;

    /** Rail riders per day, 2019-01-01 .. 2019-06-01 (152 days). */
    static double[] rail;

    @BeforeAll
    static void load() {
        Table df = Ridership.load(DataFiles.of(cache, TestData.mirror()));
        rail = Ridership.values(Ridership.months(df, "2019-01", "2019-06"), Ridership.RAIL);
        rail = Arrays.copyOf(rail, 152);
    }

    @Test
    void oneDayForecastMatchesStatsmodelsExactLikelihood() {
        Sarima.Fit fit = BOOK.fit(Arrays.copyOf(rail, 151));
        // statsmodels (exact): ar.L1 0.471476, ma.S.L7 -0.910235, llf -1847.951644, forecast 403,278.8.
        assertEquals(0.471476, fit.ar()[0], 1e-4);
        assertEquals(-0.910235, fit.seasonalMa()[0], 1e-4);
        assertEquals(-1847.951644, fit.logLikelihood(), 1e-3);
        assertEquals(403_278.8, fit.forecast(1)[0], 10);
        assertEquals(0, fit.ma().length);
        assertEquals(0, fit.seasonalAr().length);
        assertEquals(151, fit.observations());
        // The target is 379,044; the book's statsmodels ARIMA prints 427,758.6 (see the class comment for why).
        assertEquals(379_044, rail[151], 0);
    }

    @Test
    void dailyRefitLoopMatchesStatsmodelsExactLikelihood() {
        // 2019-03-01 is day 59 of 2019 (0-based); the loop forecasts 2019-03-01 .. 2019-05-31.
        double[] series = Arrays.copyOf(rail, 151);
        double[] forecasts = BOOK.rollingForecasts(series, 59);
        assertEquals(92, forecasts.length);
        double mae = 0;
        for (int i = 0; i < forecasts.length; i++) {
            mae += Math.abs(forecasts[i] - series[59 + i]) / forecasts.length;
        }
        // statsmodels (exact): MAE 36,757.1 riders; the book (approximate diffuse prior) 32,040.7.
        assertEquals(36_757.1, mae, 36_757.1 * 1e-3);
        assertEquals(BOOK.fit(Arrays.copyOf(series, 59)).forecast(1)[0], forecasts[0], 0);
    }

    @Test
    void recoversTheCoefficientsOfASimulatedSeries() {
        // y_t - y_(t-7) = w_t with w_t = 0.5 w_(t-1) + e_t - 0.6 e_(t-7), e ~ N(0, 1).
        Random random = new Random(42);
        int n = 3000;
        double[] e = new double[n];
        double[] w = new double[n];
        double[] y = new double[n];
        for (int t = 0; t < n; t++) {
            e[t] = random.nextGaussian();
            w[t] = (t >= 1 ? 0.5 * w[t - 1] : 0) + e[t] - (t >= 7 ? 0.6 * e[t - 7] : 0);
            y[t] = (t >= 7 ? y[t - 7] : 10 * t) + w[t];
        }
        Sarima.Fit fit = BOOK.fit(y);
        assertEquals(0.5, fit.ar()[0], 0.05);
        assertEquals(-0.6, fit.seasonalMa()[0], 0.05);
        assertEquals(1.0, fit.sigma2(), 0.1);
    }

    @Test
    void seasonalDifferenceAloneForecastsLastWeek() {
        // SARIMA(0,0,0)(0,1,0,7) says y_t = y_(t-7) + e_t: the forecasts repeat the last week, the naive forecast.
        double[] y = new double[40];
        Random random = new Random(1);
        for (int t = 0; t < y.length; t++) {
            y[t] = 100 + 10 * (t % 7) + random.nextGaussian();
        }
        double[] forecast = Sarima.of(0, 0, 0, 0, 1, 0, 7).fit(y).forecast(10);
        for (int h = 0; h < 10; h++) {
            assertEquals(y[y.length - 7 + (h % 7)], forecast[h], 1e-6, "step " + (h + 1));
        }
    }

    @Test
    void ordersAndBadInput() {
        assertEquals("SARIMA(1,0,0)(0,1,1,7)", BOOK.toString());
        assertArrayEquals(new int[] {1, 0, 0}, BOOK.order());
        assertArrayEquals(new int[] {0, 1, 1, 7}, BOOK.seasonalOrder());
        IllegalArgumentException shortSeries = assertThrows(IllegalArgumentException.class,
                () -> BOOK.fit(new double[5]));
        assertTrue(shortSeries.getMessage().contains("y must have at least"), shortSeries.getMessage());
        double[] withNaN = Arrays.copyOf(rail, 60);
        withNaN[10] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> BOOK.fit(withNaN));
        assertTrue(nan.getMessage().contains("y[10]"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sarima.of(1, 0, 0, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Sarima.of(-1, 0, 0, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> BOOK.rollingForecasts(rail, 3));
        assertThrows(IllegalArgumentException.class, () -> BOOK.fit(Arrays.copyOf(rail, 60)).forecast(0));
    }
}
