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
import java.util.Map;

import io.github.seqbook.Require;
import io.github.seqbook.arima.Autocorrelations;
import io.github.seqbook.data.Ridership;
import io.github.seqbook.training.History;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
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

    /** Legend name of the bands over the days of type {@code A} (Saturdays) in the dated series charts. */
    public static final String SATURDAYS = "Saturday (A)";
    /** Legend name of the bands over the days of type {@code U} (Sundays and holidays) in the dated series charts. */
    public static final String SUNDAYS_AND_HOLIDAYS = "Sunday or holiday (U)";
    /** Left axis width shared by stacked dated panels, so that their dates line up (room for "-500,000"). */
    private static final int Y_AXIS_WIDTH = 72;

    private static final Color[] COLOURS = {Plots.BLUE, new Color(255, 127, 14), new Color(44, 160, 44), Plots.RED};
    private static final Color BAND = new Color(31, 119, 180, 60);
    // Translucent greys: a quiet Saturday lighter than a Sunday, and the dots on them keep their colour.
    private static final Color SATURDAY_SHADE = new Color(0, 0, 0, 22);
    private static final Color SUNDAY_SHADE = new Color(0, 0, 0, 48);
    private static final long HALF_DAY_MS = 12L * 3600 * 1000;

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
     * The book's {@code df["2019-03":"2019-05"].plot(marker=".")} (figure 15-6), with the day types marked: the
     * numeric columns of {@code df} against its {@code date} column, one line with dots each, over shaded bands
     * behind the Saturdays ({@code day_type} "A", legend {@value #SATURDAYS}) and, darker, the Sundays and holidays
     * ("U", legend {@value #SUNDAYS_AND_HOLIDAYS}), when {@code df} has a {@code day_type} column (weekdays "W" and
     * missing values stay unshaded). Each band is one day wide, centred on that day's dots.
     *
     * @param df      rows to draw, with a {@code date} column (e.g. {@code Ridership.months(df, "2019-03", "2019-05")})
     * @param columns numeric columns to draw, at least one (e.g. "bus", "rail")
     * @throws IllegalArgumentException when {@code df} has no rows or no date column, or a column is not numeric
     */
    public static BufferedImage series(Table df, String... columns) {
        return BitmapEncoder.getBufferedImage(seriesChart(df, columns));
    }

    /**
     * The chart behind {@link #series}: the lines are the series named after the columns; the day-type bands, when
     * there are any, are the {@link XYSeries.XYSeriesRenderStyle#PolygonArea} series {@value #SATURDAYS} and
     * {@value #SUNDAYS_AND_HOLIDAYS}, one rectangle per day, rectangles separated by a point with a missing (NaN) y.
     */
    public static XYChart seriesChart(Table df, String... columns) {
        return datedChart(df, true, columns);
    }

    /** A dated chart of {@code columns}; the day types shaded when asked and {@code df} has a day_type column. */
    private static XYChart datedChart(Table df, boolean dayTypes, String... columns) {
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
        List<NumericColumn<?>> numeric = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            String name = columns[i];
            if (!df.columnNames().contains(name) || !(df.column(name) instanceof NumericColumn<?> values)) {
                throw new IllegalArgumentException("columns[" + i + "] must be a numeric column of "
                        + df.columnNames() + ", got \"" + name + "\"");
            }
            numeric.add(values);
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
        st.setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        List<Date> x = new ArrayList<>();
        for (LocalDate d : date) {
            x.add(utc(d));
        }
        // Bands first: XChart draws the series in the order they were added, so the lines stay on top.
        if (dayTypes && df.columnNames().contains("day_type") && df.column("day_type") instanceof StringColumn type) {
            dayTypeBands(chart, date, type, numeric);
        }
        for (int i = 0; i < columns.length; i++) {
            NumericColumn<?> values = numeric.get(i);
            List<Double> y = new ArrayList<>();
            for (int r = 0; r < values.size(); r++) {
                y.add(values.isMissing(r) ? null : values.getDouble(r));
            }
            XYSeries s = chart.addSeries(columns[i], x, y);
            Color c = COLOURS[i % COLOURS.length];
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(1.2f));
        }
        return chart;
    }

    /**
     * Shades the "A" and "U" days from the bottom to the top of the plot. The bands need fixed axes: y is set to the
     * values' range plus 5% each side (matplotlib's default margin), x to the dates plus one day each side (so that
     * the end dots are not cut by the frame).
     */
    private static void dayTypeBands(XYChart chart, DateColumn date, StringColumn type, List<NumericColumn<?>> values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (NumericColumn<?> column : values) {
            for (int r = 0; r < column.size(); r++) {
                if (!column.isMissing(r)) {
                    lo = Math.min(lo, column.getDouble(r));
                    hi = Math.max(hi, column.getDouble(r));
                }
            }
        }
        if (lo > hi) {
            return; // nothing to draw: no range to shade
        }
        double margin = hi > lo ? 0.05 * (hi - lo) : Math.max(1, 0.05 * Math.abs(hi));
        lo -= margin;
        hi += margin;
        String[][] kinds = {{"A", SATURDAYS}, {"U", SUNDAYS_AND_HOLIDAYS}};
        Color[] shades = {SATURDAY_SHADE, SUNDAY_SHADE};
        boolean any = false;
        for (int k = 0; k < kinds.length; k++) {
            List<Date> bx = new ArrayList<>();
            List<Double> by = new ArrayList<>();
            for (int r = 0; r < date.size(); r++) {
                if (!kinds[k][0].equals(type.get(r)) || date.isMissing(r)) {
                    continue;
                }
                long mid = utc(date.get(r)).getTime();
                Date start = new Date(mid - HALF_DAY_MS);
                Date end = new Date(mid + HALF_DAY_MS);
                // One rectangle, then a point with no y so that the next day starts a new polygon.
                bx.addAll(List.of(start, start, end, end, end));
                by.add(lo);
                by.add(hi);
                by.add(hi);
                by.add(lo);
                by.add(null);
            }
            if (bx.isEmpty()) {
                continue;
            }
            XYSeries band = chart.addSeries(kinds[k][1], bx, by);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(shades[k]);
            band.setLineColor(new Color(0, 0, 0, 0));
            band.setMarker(SeriesMarkers.NONE);
            any = true;
        }
        if (any) {
            var st = chart.getStyler();
            st.setYAxisMin(lo);
            st.setYAxisMax(hi);
            st.setXAxisMin((double) utc(date.min()).getTime() - 2 * HALF_DAY_MS);
            st.setXAxisMax((double) utc(date.max()).getTime() + 2 * HALF_DAY_MS);
            // XChart draws the content on 92% of the plot by default; the bands must reach its edges.
            st.setPlotContentSize(1.0);
            st.setPlotMargin(0);
        }
    }

    // ---- the notebook's figures -------------------------------------------------------------------------------

    /**
     * The book's figure of the naive forecast and of differencing (figure 15-7), two panels with the same dates:
     * on top the bus and rail series of {@code fromMonth..toMonth} (dots) and the same series {@code lag} days
     * earlier (dotted, the naive forecast); below, the difference series ({@link Ridership#difference},
     * {@code df[["bus", "rail"]].diff(lag)}), the naive forecast's errors. Both panels shade the Saturdays and the
     * Sundays/holidays as {@link #series} does, which shows where the big errors come from (a holiday on a weekday).
     * Like matplotlib's {@code sharex=True}, the panels share their x range and plot width, and only the lower one
     * labels the dates.
     *
     * @param df        a table like {@link Ridership#load()}'s (date, day_type, bus, rail)
     * @param lag       days between a value and its forecast (7 in the book)
     * @param fromMonth first month shown, {@code yyyy-MM}
     * @param toMonth   last month shown, {@code yyyy-MM}
     * @throws IllegalArgumentException when {@code lag} is not positive or a month is not {@code yyyy-MM}
     */
    public static BufferedImage lagged(Table df, int lag, String fromMonth, String toMonth) {
        XYChart[] panels = laggedCharts(df, lag, fromMonth, toMonth);
        return stacked(panels[0], panels[1]);
    }

    /** The two panels of {@link #lagged}: {@code [0]} the series and their lagged copies, {@code [1]} the difference. */
    public static XYChart[] laggedCharts(Table df, int lag, String fromMonth, String toMonth) {
        Require.notNull("df", df);
        Require.positive("lag", lag);
        String busEarlier = Ridership.BUS + " " + lag + " days earlier";
        String railEarlier = Ridership.RAIL + " " + lag + " days earlier";
        Table withLag = df.copy();
        for (String name : new String[] {Ridership.BUS, Ridership.RAIL}) {
            DoubleColumn earlier = ((NumericColumn<?>) df.column(name)).asDoubleColumn().lag(lag);
            earlier.setName(name + " " + lag + " days earlier");
            withLag.addColumns(earlier);
        }
        XYChart top = seriesChart(Ridership.months(withLag, fromMonth, toMonth), Ridership.BUS, Ridership.RAIL,
                busEarlier, railEarlier);
        for (String name : new String[] {Ridership.BUS, Ridership.RAIL}) {
            XYSeries earlier = top.getSeriesMap().get(name + " " + lag + " days earlier");
            earlier.setMarker(SeriesMarkers.NONE);
            earlier.setLineStyle(SeriesLines.DOT_DOT);
            earlier.setLineColor(top.getSeriesMap().get(name).getLineColor());
        }
        top.setTitle("riders per day and the naive forecast (" + lag + " days earlier, dotted)");

        Table difference = Ridership.difference(df, lag);
        if (df.columnNames().contains("day_type")) {
            difference.addColumns(df.column("day_type").copy()); // same rows, same order: difference keeps them
        }
        XYChart bottom = seriesChart(Ridership.months(difference, fromMonth, toMonth), Ridership.BUS,
                Ridership.RAIL);
        bottom.setTitle("difference with " + lag + " days earlier");

        // sharex: both panels get the same left axis width and their legends below them (a legend on the right
        // would take the width of its longest name, different in each panel), and the top one drops its dates.
        for (XYChart panel : new XYChart[] {top, bottom}) {
            var st = panel.getStyler();
            st.setYAxisLeftWidthHint(Y_AXIS_WIDTH);
            st.setLegendPosition(LegendPosition.OutsideS);
            st.setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        }
        top.getStyler().setXAxisTitleVisible(false);
        top.getStyler().setXAxisTicksVisible(false);
        return new XYChart[] {top, bottom};
    }

    /**
     * A model's validation MAE per epoch, in riders per day (the history's {@code val_mae} times {@code scale}, 1e6
     * for data divided by 1e6), with the epoch whose weights early stopping kept: the lowest.
     *
     * @param history a history with a {@code val_mae} column (a model compiled with the {@code mae} metric)
     * @param scale   the factor back to riders (1e6 in the book)
     */
    public static BufferedImage maeCurve(History history, double scale) {
        Require.notNull("history", history);
        Require.positive("scale", scale);
        double[] mae = history.column("val_mae").clone();
        if (mae.length == 0) {
            throw new IllegalArgumentException("history has no epochs to plot");
        }
        int best = 0;
        for (int i = 0; i < mae.length; i++) {
            mae[i] *= scale;
            best = mae[i] < mae[best] ? i : best;
        }
        XYChart chart = Plots.baseChart("Epochs", "validation MAE (riders per day)");
        Plots.addLine(chart, "val_mae", Plots.range(1, mae.length + 1), mae, Plots.RED).setMarker(
                mae.length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        Plots.addMarkers(chart, String.format("best: %,.0f at epoch %d", mae[best], best + 1),
                new double[] {best + 1}, new double[] {mae[best]}, Plots.BLUE, true);
        double top = Math.min(Plots.max(mae), 5 * mae[best]) * 1.05;
        Plots.axes(chart, 1, Math.max(mae.length, 2), 0, top);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setXAxisDecimalPattern("0");
        Plots.fitTitle(chart, history.model());
        return Plots.render(chart);
    }

    /**
     * A forecast against the actual values, dates on the x axis, as the book's figures: {@code column} of {@code df}
     * from {@code from} to the last forecast day (dots), the forecast from {@code firstForecastDay} on (red crosses),
     * and when history is shown before it, a dashed "today" line on the day before the forecast.
     *
     * @param df               the actual values, with a {@code date} column, one row per day
     * @param column           the numeric column forecast (e.g. "rail")
     * @param from             first day shown
     * @param firstForecastDay the day of {@code forecast[0]}, not before {@code from}
     * @param forecast         one value per day, in the column's units
     */
    public static BufferedImage forecast(Table df, String column, LocalDate from, LocalDate firstForecastDay,
                                         double[] forecast) {
        Require.notNull("df", df);
        Require.notNull("column", column);
        Require.notNull("from", from);
        Require.notNull("firstForecastDay", firstForecastDay);
        Require.notNull("forecast", forecast);
        if (forecast.length == 0) {
            throw new IllegalArgumentException("forecast must hold at least one value, got none");
        }
        if (firstForecastDay.isBefore(from)) {
            throw new IllegalArgumentException("firstForecastDay must not be before from = " + from + ", got "
                    + firstForecastDay);
        }
        LocalDate last = firstForecastDay.plusDays(forecast.length - 1);
        Table actual = Ridership.between(df, from, last);
        XYChart chart = datedChart(actual, false, column);
        XYSeries a = chart.getSeriesMap().get(column);
        a.setLineColor(Plots.BLUE);
        a.setMarkerColor(Plots.BLUE);
        List<Date> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < forecast.length; i++) {
            x.add(utc(firstForecastDay.plusDays(i)));
            y.add(forecast[i]);
        }
        XYSeries f = chart.addSeries("forecast", x, y);
        f.setLineColor(Plots.RED);
        f.setMarkerColor(Plots.RED);
        f.setMarker(SeriesMarkers.CROSS);
        double low = Math.min(min(a.getYData()), min(forecast));
        double high = Math.max(Plots.max(a.getYData()), Plots.max(forecast));
        if (from.isBefore(firstForecastDay)) {
            Date today = utc(firstForecastDay.minusDays(1));
            XYSeries t = chart.addSeries("today", List.of(today, today), List.of(low, high));
            t.setLineColor(Color.BLACK);
            t.setLineStyle(SeriesLines.DASH_DASH);
            t.setMarker(SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Every model's validation MAE (bars, riders per day) against baselines drawn as lines across the chart (the
     * naive forecast, SARIMA), with the book's value as a black dot where it has one.
     *
     * @param models    model name to {this run, book} (the book's value NaN when it has none), in display order
     * @param baselines baseline name to its MAE
     */
    public static BufferedImage maeComparison(Map<String, double[]> models, Map<String, Double> baselines) {
        Require.notNull("models", models);
        Require.notNull("baselines", baselines);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models must hold at least one model, got none");
        }
        List<String> names = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        List<Double> book = new ArrayList<>();
        for (Map.Entry<String, double[]> e : models.entrySet()) {
            double[] v = Require.notNull("models[" + e.getKey() + "]", e.getValue());
            if (v.length != 2) {
                throw new IllegalArgumentException("models[" + e.getKey() + "] must be {this run, book}, got "
                        + v.length + " values");
            }
            names.add(e.getKey());
            ours.add(v[0]);
            book.add(Double.isNaN(v[1]) ? null : v[1]);
        }
        CategoryChart chart = new CategoryChartBuilder().width(SERIES_WIDTH).height(560)
                .title("validation MAE (riders per day)").build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(220, 220, 220));
        st.setOverlapped(true);
        st.setXAxisLabelRotation(60);
        st.setYAxisDecimalPattern("#,###");
        st.setYAxisMin(0.0);
        st.setLegendPosition(LegendPosition.OutsideS);
        st.setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        st.setAntiAlias(true);
        CategorySeries bars = chart.addSeries("this run", names, ours);
        bars.setFillColor(Plots.BLUE);
        CategorySeries dots = chart.addSeries("book", names, book);
        dots.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        dots.setMarker(SeriesMarkers.CIRCLE);
        dots.setMarkerColor(Color.BLACK);
        Color[] lineColours = {COLOURS[1], Plots.RED, COLOURS[2]};
        int i = 0;
        for (Map.Entry<String, Double> e : baselines.entrySet()) {
            List<Double> level = new ArrayList<>();
            names.forEach(n -> level.add(e.getValue()));
            CategorySeries line = chart.addSeries(String.format("%s: %,.0f", e.getKey(), e.getValue()), names, level);
            line.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
            line.setLineColor(lineColours[i % lineColours.length]);
            line.setLineStyle(SeriesLines.DASH_DASH);
            line.setMarker(SeriesMarkers.NONE);
            i++;
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static Date utc(LocalDate d) {
        return Date.from(d.atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    private static double min(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** Panels one under the other in one image (any XChart charts). */
    public static BufferedImage stacked(Chart<?, ?>... charts) {
        if (charts.length == 0) {
            throw new IllegalArgumentException("charts must hold at least one chart");
        }
        BufferedImage[] panels = new BufferedImage[charts.length];
        int width = 0;
        int height = 0;
        for (int i = 0; i < charts.length; i++) {
            panels[i] = BitmapEncoder.getBufferedImage(Require.notNull("charts[" + i + "]", charts[i]));
            height += panels[i].getHeight();
            width = Math.max(width, panels[i].getWidth());
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int y = 0;
        for (BufferedImage p : panels) {
            g.drawImage(p, 0, y, null);
            y += p.getHeight();
        }
        g.dispose();
        return out;
    }

    // ---- rendering -------------------------------------------------------------------------------------------

    /** Panels side by side in one image (any XChart charts). */
    public static BufferedImage sideBySide(Chart<?, ?>... charts) {
        return Plots.render(charts);
    }
}
