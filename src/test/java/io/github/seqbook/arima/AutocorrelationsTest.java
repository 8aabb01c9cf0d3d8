package io.github.seqbook.arima;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import io.github.seqbook.data.DataFiles;
import io.github.seqbook.data.TestData;
import io.github.seqbook.data.Ridership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** ACF and PACF against statsmodels 0.13.5 ({@code acf} and {@code pacf(method="ywm")}, alpha 0.05) and by hand. */
class AutocorrelationsTest {
    @TempDir
    Path cache;

    @Test
    void railSeriesMatchesStatsmodels() {
        // The book's figure: plot_acf / plot_pacf(method="ywm") of df["2001":"2019"]["rail"], 35 lags.
        Table df = Ridership.load(DataFiles.of(cache, TestData.mirror()));
        double[] rail = Ridership.values(Ridership.months(df, "2001-01", "2019-12"), Ridership.RAIL);
        Autocorrelations a = Autocorrelations.of(rail, 35);
        assertEquals(6939, a.n());
        assertEquals(35, a.maxLag());
        int[] lags = {1, 2, 7, 8, 14, 35};
        double[] acf = {0.45572871594687964, -0.07446365498949259, 0.8637866967204596, 0.400044892898888,
            0.8393811808866811, 0.8364732796560888};
        double[] acfBand = {0.0235287929097745, 0.027992118252331583, 0.0321818941011458, 0.04314849639059937,
            0.04797801863165574, 0.07680635160351723};
        double[] pacf = {0.45572871594687964, -0.3561129371594123, 0.6941769240212868, -0.28959420520881496,
            0.3166354444589651, 0.18889264945938677};
        for (int i = 0; i < lags.length; i++) {
            int k = lags[i];
            assertEquals(acf[i], a.acf()[k], 1e-10, "acf lag " + k);
            assertEquals(acfBand[i], a.acfBand()[k], 1e-10, "acf band lag " + k);
            assertEquals(pacf[i], a.pacf()[k], 1e-10, "pacf lag " + k);
            assertEquals(0.0235287929097745, a.pacfBand()[k], 1e-10, "pacf band lag " + k);
        }
        assertEquals(1, a.acf()[0], 0);
    }

    @Test
    void handComputedShortSeries() {
        // x = 1, 2, 3, 4 (mean 2.5, deviations -1.5 -0.5 0.5 1.5, sum of squares 5):
        // acf(1) = (0.75 - 0.25 + 0.75) / 5 = 0.25, acf(2) = (-0.75 - 0.75) / 5 = -0.3.
        // pacf(2) = (acf2 - acf1^2) / (1 - acf1^2) = (-0.3 - 0.0625) / 0.9375 = -0.38666...
        Autocorrelations a = Autocorrelations.of(new double[] {1, 2, 3, 4}, 2);
        assertEquals(0.25, a.acf()[1], 1e-12);
        assertEquals(-0.3, a.acf()[2], 1e-12);
        assertEquals(0.25, a.pacf()[1], 1e-12);
        assertEquals(-0.3625 / 0.9375, a.pacf()[2], 1e-12);
        assertEquals(1.959963984540054 / 2, a.pacfBand()[1], 1e-12);
        assertEquals(1.959963984540054 * Math.sqrt((1 + 2 * 0.0625) / 4), a.acfBand()[2], 1e-12);
    }

    @Test
    void badInput() {
        IllegalArgumentException shortSeries = assertThrows(IllegalArgumentException.class,
                () -> Autocorrelations.of(new double[] {1, 2, 3}, 2));
        assertTrue(shortSeries.getMessage().contains("maxLag"), shortSeries.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Autocorrelations.of(new double[] {1, 2, 3, 4}, 0));
        assertThrows(IllegalArgumentException.class, () -> Autocorrelations.of(new double[] {5, 5, 5, 5, 5}, 2));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Autocorrelations.of(new double[] {1, Double.NaN, 3, 4, 5}, 2));
        assertTrue(nan.getMessage().contains("series[1]"), nan.getMessage());
    }
}
