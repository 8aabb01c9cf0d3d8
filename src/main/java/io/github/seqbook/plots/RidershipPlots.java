package io.github.seqbook.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.github.seqbook.Require;
import io.github.seqbook.arima.Autocorrelations;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Figures of the ridership notebook (3rd edition's chapter 15): the daily series with dates on the x axis and
 * the ACF/PACF bars. Returned as images that a notebook cell shows inline; the {@code ...Chart} methods return the
 * XChart objects for further styling.
 */
public final class RidershipPlots {
    /** Width of one panel in pixels (the book's ACF/PACF figure is 15 x 5 inches for two panels). */
    public static final int WIDE_PANEL_WIDTH = 560;
    /** Width of a dated series chart (the book's 8 x 3.5 inches). */
    public static final int SERIES_WIDTH = 800;
    /** Height of a dated series chart. */
    public static final int SERIES_HEIGHT = 350;

    private static final Color[] COLOURS = {Plots.BLUE, new Color(255, 127, 14), new Color(44, 160, 44), Plots.RED};
    private static final Color BAND = new Color(31, 119, 180, 60);

    private RidershipPlots() {
    }

    // ---- ACF / PACF ------------------------------------------------------------------------------------------

    /**
     * The book's ACF and PACF figure: two bar charts side by side, lags 0..maxLag, with the 95% band (bars that
     * reach outside it are significant).
     */
    public static BufferedImage autocorrelations(Autocorrelations a) {
        Require.notNull("a", a);
        return sideBySide(acfChart(a), pacfChart(a));
    }

    /** The ACF panel: one bar per lag and the band {@code ±acfBand}. */
    public static XYChart acfChart(Autocorrelations a) {
        Require.notNull("a", a);
        return barChart("Autocorrelation", a.acf(), a.acfBand());
    }

    /** The PACF panel: one bar per lag and the band {@code ±pacfBand}. */
    public static XYChart pacfChart(Autocorrelations a) {
        Require.notNull("a", a);
        return barChart("Partial Autocorrelation", a.pacf(), a.pacfBand());
    }

    /** statsmodels' look: a stem with a dot per lag, the band shaded around zero. */
    private static XYChart barChart(String title, double[] values, double[] band) {
        XYChart chart = new XYChartBuilder().width(WIDE_PANEL_WIDTH).height(Plots.PANEL_HEIGHT).title(title)
                .xAxisTitle("lag").build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(220, 220, 220));
        st.setLegendVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setXAxisDecimalPattern("0");
        st.setAntiAlias(true);
        int lags = values.length;
        Plots.axes(chart, -1, lags, -1.05, 1.05);

        // The band as one polygon: the upper edge left to right, then the lower edge back.
        double[] bx = new double[2 * lags];
        double[] by = new double[2 * lags];
        for (int k = 0; k < lags; k++) {
            bx[k] = k;
            by[k] = band[k];
            bx[2 * lags - 1 - k] = k;
            by[2 * lags - 1 - k] = -band[k];
        }
        XYSeries area = chart.addSeries("95% band", bx, by);
        area.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        area.setFillColor(BAND);
        area.setLineColor(BAND);
        area.setMarker(SeriesMarkers.NONE);

        // Stems: one segment per lag from 0 to the value; a null between segments breaks the line.
        List<Double> sx = new ArrayList<>();
        List<Double> sy = new ArrayList<>();
        for (int k = 0; k < lags; k++) {
            sx.add((double) k);
            sy.add(0.0);
            sx.add((double) k);
            sy.add(values[k]);
            sx.add((double) k);
            sy.add(null);
        }
        XYSeries stems = chart.addSeries("stems", sx, sy);
        stems.setLineColor(Plots.BLUE);
        stems.setLineStyle(new BasicStroke(1.5f));
        stems.setMarker(SeriesMarkers.NONE);
        XYSeries dots = chart.addSeries(title, Plots.range(0, lags), values);
        dots.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        dots.setMarker(SeriesMarkers.CIRCLE);
        dots.setMarkerColor(Plots.BLUE);
        return chart;
    }

    // ---- dated series ----------------------------------------------------------------------------------------

    /**
     * The book's {@code df["2019-03":"2019-05"].plot(marker=".")}: the numeric columns of {@code df} against its
     * {@code date} column, one line with dots each.
     *
     * @param df      rows to draw, with a {@code date} column (e.g. {@code Ridership.months(df, "2019-03", "2019-05")})
     * @param columns numeric columns to draw, at least one (e.g. "bus", "rail")
     */
    public static BufferedImage series(Table df, String... columns) {
        return BitmapEncoder.getBufferedImage(seriesChart(df, columns));
    }

    /** The chart behind {@link #series}. */
    public static XYChart seriesChart(Table df, String... columns) {
        Require.notNull("df", df);
        if (columns.length == 0) {
            throw new IllegalArgumentException("columns must name at least one numeric column of " + df.columnNames());
        }
        if (df.rowCount() == 0) {
            throw new IllegalArgumentException("df must have rows, got none");
        }
        if (!df.columnNames().contains("date") || !(df.column("date") instanceof DateColumn date)) {
            throw new IllegalArgumentException("df must have a date column, got columns " + df.columnNames());
        }
        XYChart chart = new XYChartBuilder().width(SERIES_WIDTH).height(SERIES_HEIGHT).xAxisTitle("date").build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(220, 220, 220));
        st.setLegendPosition(LegendPosition.OutsideE);
        st.setDatePattern("yyyy-MM-dd");
        st.setYAxisDecimalPattern("#,###");
        st.setMarkerSize(5);
        st.setAntiAlias(true);
        List<Date> x = new ArrayList<>();
        for (LocalDate d : date) {
            x.add(Date.from(d.atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
        st.setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        for (int i = 0; i < columns.length; i++) {
            String name = columns[i];
            if (!df.columnNames().contains(name) || !(df.column(name) instanceof NumericColumn<?> values)) {
                throw new IllegalArgumentException("columns[" + i + "] must be a numeric column of "
                        + df.columnNames() + ", got \"" + name + "\"");
            }
            List<Double> y = new ArrayList<>();
            for (int r = 0; r < values.size(); r++) {
                y.add(values.isMissing(r) ? null : values.getDouble(r));
            }
            XYSeries s = chart.addSeries(name, x, y);
            Color c = COLOURS[i % COLOURS.length];
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(1.2f));
        }
        return chart;
    }

    // ---- rendering -------------------------------------------------------------------------------------------

    /** Panels side by side in one image (any XChart charts). */
    public static BufferedImage sideBySide(Chart<?, ?>... charts) {
        return Plots.render(charts);
    }
}
