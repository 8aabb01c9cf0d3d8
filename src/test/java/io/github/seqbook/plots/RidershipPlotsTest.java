package io.github.seqbook.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.seqbook.arima.Autocorrelations;
import io.github.seqbook.data.DataFiles;
import io.github.seqbook.data.Ridership;
import io.github.seqbook.data.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
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

    @Test
    void noDayTypesNoBands() {
        // week() has a day_type column of missing values: nothing to shade, the axes stay XChart's own.
        XYChart chart = RidershipPlots.seriesChart(week(), "rail");
        assertEquals(List.of("rail"), new ArrayList<>(chart.getSeriesMap().keySet()));
        assertEquals(null, chart.getStyler().getYAxisMin());
        XYChart noColumn = RidershipPlots.seriesChart(week().removeColumns("day_type"), "rail");
        assertEquals(List.of("rail"), new ArrayList<>(noColumn.getSeriesMap().keySet()));
    }

    /**
     * The days a band series shades, read back from the chart: one polygon per day (polygons separated by a point
     * with no y), each exactly one day wide; the day is the one at its centre.
     */
    static List<LocalDate> bandDays(XYSeries band) {
        double[] x = band.getXData();
        double[] y = band.getYData();
        List<LocalDate> days = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= x.length; i++) {
            if (i == x.length || Double.isNaN(y[i])) {
                if (lo <= hi) {
                    assertEquals(24 * 3600 * 1000.0, hi - lo, "width of the band ending at point " + i);
                    days.add(LocalDate.ofInstant(Instant.ofEpochMilli((long) ((lo + hi) / 2)), ZoneOffset.UTC));
                }
                lo = Double.POSITIVE_INFINITY;
                hi = Double.NEGATIVE_INFINITY;
            } else {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, x[i]);
            }
        }
        return days;
    }

    static List<LocalDate> daysOfType(Table df, String type) {
        List<LocalDate> days = new ArrayList<>();
        for (int r = 0; r < df.rowCount(); r++) {
            if (type.equals(df.stringColumn("day_type").get(r))) {
                days.add(df.dateColumn("date").get(r));
            }
        }
        return days;
    }

    @Test
    void dayTypesShadedOnTheBooksSpring2019(@TempDir Path cache) throws Exception {
        Table df = Ridership.load(DataFiles.of(cache, TestData.mirror()));
        Table spring = Ridership.months(df, "2019-03", "2019-05");
        XYChart chart = RidershipPlots.seriesChart(spring, Ridership.BUS, Ridership.RAIL);
        // Bands first, so that XChart draws the lines over them.
        assertEquals(List.of(RidershipPlots.SATURDAYS, RidershipPlots.SUNDAYS_AND_HOLIDAYS, "bus", "rail"),
                new ArrayList<>(chart.getSeriesMap().keySet()));
        List<LocalDate> saturdays = bandDays(chart.getSeriesMap().get(RidershipPlots.SATURDAYS));
        List<LocalDate> sundays = bandDays(chart.getSeriesMap().get(RidershipPlots.SUNDAYS_AND_HOLIDAYS));
        // The file's day types, and independently the calendar: the 13 Saturdays, the 13 Sundays and Memorial Day
        // (Monday 2019-05-27, the book's holiday), and no other day of the 92.
        assertEquals(daysOfType(spring, "A"), saturdays);
        assertEquals(daysOfType(spring, "U"), sundays);
        List<LocalDate> calendarSaturdays = new ArrayList<>();
        List<LocalDate> calendarSundays = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2019, 3, 1); !d.isAfter(LocalDate.of(2019, 5, 31)); d = d.plusDays(1)) {
            if (d.getDayOfWeek() == DayOfWeek.SATURDAY) {
                calendarSaturdays.add(d);
            } else if (d.getDayOfWeek() == DayOfWeek.SUNDAY || d.equals(LocalDate.of(2019, 5, 27))) {
                calendarSundays.add(d);
            }
        }
        assertEquals(13, calendarSaturdays.size());
        assertEquals(14, calendarSundays.size());
        assertEquals(calendarSaturdays, saturdays);
        assertEquals(calendarSundays, sundays);
        // The bands span the y axis, which holds every value drawn.
        var st = chart.getStyler();
        XYSeries rail = chart.getSeriesMap().get("rail");
        XYSeries bus = chart.getSeriesMap().get("bus");
        double[] bandY = chart.getSeriesMap().get(RidershipPlots.SATURDAYS).getYData();
        for (double v : bandY) {
            assertTrue(Double.isNaN(v) || v == st.getYAxisMin() || v == st.getYAxisMax(), "band edge " + v);
        }
        for (double[] values : new double[][] {rail.getYData(), bus.getYData()}) {
            assertEquals(92, values.length);
            for (double v : values) {
                assertTrue(v > st.getYAxisMin() && v < st.getYAxisMax(), v + " inside the y axis");
            }
        }
        PlotsTest.roundTrip(RidershipPlots.series(spring, Ridership.BUS, Ridership.RAIL));
    }

    @Test
    void differencingPanelsShareTheirDates(@TempDir Path cache) throws Exception {
        Table df = Ridership.load(DataFiles.of(cache, TestData.mirror()));
        XYChart[] panels = RidershipPlots.laggedCharts(df, 7, "2019-03", "2019-05");
        XYChart top = panels[0];
        XYChart bottom = panels[1];
        // matplotlib's sharex: same x range and same left axis width, dates written under the lower panel only.
        assertEquals(top.getStyler().getXAxisMin(), bottom.getStyler().getXAxisMin());
        assertEquals(top.getStyler().getXAxisMax(), bottom.getStyler().getXAxisMax());
        assertEquals(top.getStyler().getYAxisLeftWidthHint(), bottom.getStyler().getYAxisLeftWidthHint());
        assertEquals(top.getStyler().getLegendPosition(), bottom.getStyler().getLegendPosition());
        assertTrue(!top.getStyler().isXAxisTicksVisible() && bottom.getStyler().isXAxisTicksVisible());
        // Top: the series and the lagged copies (the naive forecast): the copy of 2019-03-08 is the value of 03-01.
        XYSeries rail = top.getSeriesMap().get("rail");
        XYSeries railEarlier = top.getSeriesMap().get("rail 7 days earlier");
        assertEquals(rail.getYData()[0], railEarlier.getYData()[7], 0);
        // Bottom: the difference, the same days shaded; its largest drop is Memorial Day, a "U" day on a Monday.
        double[] diff = bottom.getSeriesMap().get("rail").getYData();
        assertEquals(rail.getYData()[7] - railEarlier.getYData()[7], diff[7], 0);
        int worst = 0;
        for (int i = 1; i < diff.length; i++) {
            worst = diff[i] < diff[worst] ? i : worst;
        }
        LocalDate worstDay = LocalDate.of(2019, 3, 1).plusDays(worst);
        assertEquals(LocalDate.of(2019, 5, 27), worstDay);
        assertTrue(bandDays(bottom.getSeriesMap().get(RidershipPlots.SUNDAYS_AND_HOLIDAYS)).contains(worstDay));
        assertEquals(bandDays(top.getSeriesMap().get(RidershipPlots.SATURDAYS)),
                bandDays(bottom.getSeriesMap().get(RidershipPlots.SATURDAYS)));
        BufferedImage img = PlotsTest.roundTrip(RidershipPlots.lagged(df, 7, "2019-03", "2019-05"));
        assertEquals(2 * RidershipPlots.SERIES_HEIGHT, img.getHeight());
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
