package io.github.seqbook.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.seqbook.arima.Autocorrelations;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import io.github.seqbook.training.History;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class RidershipPlotsTest {
    static Table week() {
        DateColumn date = DateColumn.create("date");
        IntColumn rail = IntColumn.create("rail");
        for (int i = 0; i < 14; i++) {
            date.append(LocalDate.of(2019, 3, 1).plusDays(i));
            rail.append(i % 7 < 5 ? 700_000 : 300_000);
        }
        return Table.create("two weeks", date, StringColumn.create("day_type", 14), rail);
    }

    @Test
    void autocorrelationPanelsSideBySide() throws Exception {
        double[] x = new double[200];
        for (int t = 0; t < x.length; t++) {
            x[t] = Math.sin(2 * Math.PI * t / 7) + 0.1 * (t % 3);
        }
        Autocorrelations a = Autocorrelations.of(x, 35);
        BufferedImage img = PlotsTest.roundTrip(RidershipPlots.autocorrelations(a));
        assertEquals(2 * RidershipPlots.WIDE_PANEL_WIDTH, img.getWidth());
        XYChart acf = RidershipPlots.acfChart(a);
        // The dots hold the values, one per lag 0..35.
        assertEquals(36, acf.getSeriesMap().get("Autocorrelation").getYData().length);
        assertEquals(a.acf()[7], acf.getSeriesMap().get("Autocorrelation").getYData()[7], 0);
    }

    @Test
    void datedSeries() throws Exception {
        BufferedImage img = PlotsTest.roundTrip(RidershipPlots.series(week(), "rail"));
        assertEquals(RidershipPlots.SERIES_WIDTH, img.getWidth());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
                () -> RidershipPlots.series(week(), "bus"));
        assertTrue(column.getMessage().contains("\"bus\""), column.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RidershipPlots.series(week()));
        assertThrows(IllegalArgumentException.class, () -> RidershipPlots.series(week().removeColumns("date"), "rail"));
        assertThrows(IllegalArgumentException.class, () -> RidershipPlots.sideBySide());
    }

    /** Four weeks of a table like Ridership.load()'s: weekdays busy, Saturdays (A) and Sundays (U) quiet. */
    static Table month() {
        DateColumn date = DateColumn.create("date");
        StringColumn type = StringColumn.create("day_type");
        IntColumn bus = IntColumn.create("bus");
        IntColumn rail = IntColumn.create("rail");
        for (int i = 0; i < 70; i++) {
            LocalDate d = LocalDate.of(2019, 2, 1).plusDays(i);
            date.append(d);
            int dow = d.getDayOfWeek().getValue();
            type.append(dow == 6 ? "A" : dow == 7 ? "U" : "W");
            bus.append(dow < 6 ? 800_000 + i : 400_000);
            rail.append(dow < 6 ? 700_000 + i : 300_000);
        }
        return Table.create("ridership", date, type, bus, rail);
    }

    @Test
    void laggedSeriesAboveTheDifferences() throws Exception {
        BufferedImage one = PlotsTest.roundTrip(RidershipPlots.series(month(), "rail"));
        BufferedImage img = PlotsTest.roundTrip(RidershipPlots.lagged(month(), 7, "2019-03", "2019-03"));
        assertEquals(RidershipPlots.SERIES_WIDTH, img.getWidth());
        assertEquals(2 * one.getHeight(), img.getHeight());
        // Not enough history before the month for the lag: the difference is missing, the message names it.
        IllegalArgumentException month = assertThrows(IllegalArgumentException.class,
                () -> RidershipPlots.lagged(month(), 7, "2019-3", "2019-03"));
        assertTrue(month.getMessage().contains("fromMonth"), month.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RidershipPlots.lagged(month(), 0, "2019-03", "2019-03"));
    }

    @Test
    void maeCurveInRiders() throws Exception {
        DoubleColumn valMae = DoubleColumn.create("val_mae", new double[] {0.05, 0.03, 0.04});
        Table t = Table.create("h", IntColumn.create("epoch", new int[] {1, 2, 3}),
                DoubleColumn.create("loss", new double[] {1, 0.5, 0.4}), DoubleColumn.create("val_loss", 3), valMae,
                DoubleColumn.create("seconds", 3));
        BufferedImage img = PlotsTest.roundTrip(RidershipPlots.maeCurve(new History("rnn", t, 10), 1e6));
        assertEquals(Plots.PANEL_WIDTH, img.getWidth());
        IllegalArgumentException noMae = assertThrows(IllegalArgumentException.class,
                () -> RidershipPlots.maeCurve(new History("rnn", t.copy().removeColumns("val_mae"), 10), 1e6));
        assertTrue(noMae.getMessage().contains("val_mae"), noMae.getMessage());
    }

    @Test
    void forecastAfterToday() throws Exception {
        BufferedImage img = PlotsTest.roundTrip(RidershipPlots.forecast(month(), "rail", LocalDate.of(2019, 2, 1),
                LocalDate.of(2019, 3, 1), new double[] {700_000, 710_000, 300_000}));
        assertEquals(RidershipPlots.SERIES_WIDTH, img.getWidth());
        // The forecast alone (no history: no "today" line) works too.
        PlotsTest.roundTrip(RidershipPlots.forecast(month(), "rail", LocalDate.of(2019, 3, 1),
                LocalDate.of(2019, 3, 1), new double[] {700_000}));
        IllegalArgumentException before = assertThrows(IllegalArgumentException.class,
                () -> RidershipPlots.forecast(month(), "rail", LocalDate.of(2019, 3, 2), LocalDate.of(2019, 3, 1),
                        new double[] {1}));
        assertTrue(before.getMessage().contains("firstForecastDay"), before.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RidershipPlots.forecast(month(), "rail",
                LocalDate.of(2019, 3, 1), LocalDate.of(2019, 3, 1), new double[0]));
    }

    @Test
    void maeComparisonBarsAndBaselines() throws Exception {
        Map<String, double[]> models = new LinkedHashMap<>();
        models.put("linear", new double[] {37_000, 37_866});
        models.put("ours only", new double[] {30_000, Double.NaN});
        BufferedImage img = PlotsTest.roundTrip(RidershipPlots.maeComparison(models,
                Map.of("naive", 42_143.0, "SARIMA", 36_767.0)));
        assertEquals(RidershipPlots.SERIES_WIDTH, img.getWidth());
        assertThrows(IllegalArgumentException.class, () -> RidershipPlots.maeComparison(Map.of(), Map.of()));
        IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                () -> RidershipPlots.maeComparison(Map.of("x", new double[] {1}), Map.of()));
        assertTrue(pair.getMessage().contains("models[x]"), pair.getMessage());
    }
}
