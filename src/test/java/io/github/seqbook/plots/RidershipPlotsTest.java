package io.github.seqbook.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.time.LocalDate;

import io.github.seqbook.arima.Autocorrelations;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DateColumn;
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
}
