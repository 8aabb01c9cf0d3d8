package io.github.seqbook.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;

import io.github.seqbook.Require;
import io.github.seqbook.data.Split;
import io.github.seqbook.training.History;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The chapter's figures as XChart charts, returned as images that a notebook cell shows inline when they are
 * its last value. Each {@code ...Chart} method returns the XChart object for further styling; the plain
 * methods render it (several panels side by side, like the book's {@code plt.subplots}).
 *
 * <p>The book's series are univariate ({@code [batch, steps, 1]}). For a multivariate series
 * ({@code [batch, steps, features]}), each plot has an overload taking a {@link Feature}: which input feature to draw
 * and which target column holds its forecasts, e.g. {@code Plots.multipleForecasts(x, y, forecast, Plots.feature(1))}.
 * The y axis is the book's {@code [-1, 1]}, widened when the values drawn leave it.
 */
public final class Plots {
    /** Width of one panel in pixels (the book's figures are 4 inches wide per panel). */
    public static final int PANEL_WIDTH = 400;
    /** Height of one panel in pixels. */
    public static final int PANEL_HEIGHT = 320;

    static final Color BLUE = new Color(31, 119, 180);
    static final Color RED = new Color(214, 39, 40);
    static final Color GREY = new Color(80, 80, 80);

    private Plots() {
    }

    // ---- choosing the feature of a multivariate series ---------------------------------------------------------

    /**
     * Which series of a multivariate batch a plot draws: input feature {@code input} of
     * {@code x [batch, steps, features]}, and column {@code target} of the targets and forecasts, which hold one
     * column per forecast feature ({@code [batch, k]} one step ahead, {@code [batch, ahead, k]} several steps
     * ahead). The two indices differ when only some features are forecast: with
     * {@code Windows.targets(2)} (feature 2 alone), feature 2's forecasts are column 0, {@code feature(2, 0)}.
     *
     * <p>Several steps ahead, a target array may also be {@code [batch, ahead]}, the values of the one forecast
     * feature (then {@code target} must be 0). {@link io.github.seqbook.data.Windows#nextValues} puts several targets
     * in one row, step-major ({@code [batch, ahead * k]}): reshape it first, {@code y.reshape(batch, ahead, k)}.
     *
     * @param input  the input feature drawn, in {@code [0, features - 1]}
     * @param target the column of the targets and forecasts holding that feature, in {@code [0, k - 1]}
     */
    public record Feature(int input, int target) {
        /** Checks that both indices are non-negative (their upper bounds depend on the arrays drawn). */
        public Feature {
            if (input < 0 || target < 0) {
                throw new IllegalArgumentException("a feature's input and target must be indices >= 0, got input "
                        + input + ", target " + target);
            }
        }

        /** Input feature {@link #input} of row {@code row} of {@code x [batch, steps, features]}. */
        double[] inputOf(INDArray x, int row) {
            Require.sequences("x", x);
            Require.inRange("feature.input (x has " + x.size(2) + " features)", input, 0, (int) x.size(2) - 1);
            return x.get(NDArrayIndex.point(row), NDArrayIndex.all(), NDArrayIndex.point(input)).toDoubleVector();
        }

        /** Column {@link #target} of row {@code row} of one-step targets {@code [batch, k]}. */
        double oneStepOf(String name, INDArray a, int row) {
            Require.rank(name, a, 2, "[batch, k]");
            Require.inRange("feature.target (" + name + " has " + a.size(1) + " columns)", target, 0,
                    (int) a.size(1) - 1);
            return a.getDouble(row, target);
        }

        /**
         * The values ahead of the first series for this feature: column {@link #target} of {@code [batch, ahead, k]},
         * or the row of {@code [batch, ahead]} when {@code target} is 0.
         */
        double[] aheadOf(String name, INDArray a) {
            Require.notNull(name, a);
            if (a.rank() == 2) {
                if (target != 0) {
                    throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape())
                            + ", the values of one forecast feature, so it has no target column " + target
                            + "; pass [batch, ahead, k] (targets of several features from Windows.nextValues: "
                            + name + ".reshape(batch, ahead, k))");
                }
                return a.get(NDArrayIndex.point(0), NDArrayIndex.all()).toDoubleVector();
            }
            Require.rank(name, a, 3, "[batch, ahead] or [batch, ahead, k]");
            Require.inRange("feature.target (" + name + " has " + a.size(2) + " columns)", target, 0,
                    (int) a.size(2) - 1);
            return a.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(target)).toDoubleVector();
        }
    }

    /** {@link Feature} {@code f} of the input whose forecasts are column {@code f} (every feature forecast). */
    public static Feature feature(int feature) {
        return new Feature(feature, feature);
    }

    /** {@link Feature}: input feature {@code input}, its targets and forecasts in column {@code target}. */
    public static Feature feature(int input, int target) {
        return new Feature(input, target);
    }

    /** Univariate series: feature 0, column 0. */
    static final Feature UNIVARIATE = new Feature(0, 0);

    // ---- plot_series -----------------------------------------------------------------------------------------

    /**
     * The book's {@code plot_series} for several series of a split, side by side: each input series as a
     * line, its target as a blue dot after the last step.
     *
     * @param split   the split to draw from
     * @param indices which series (rows) to draw, at least one
     */
    public static BufferedImage series(Split split, int... indices) {
        return series(split, null, indices);
    }

    /**
     * {@link #series(Split, int...)} with the model's forecast as a red cross next to each target.
     *
     * @param split       the split to draw from (targets {@code [batch, 1]})
     * @param predictions forecasts {@code [batch, 1]} for the same rows, or null
     * @param indices     which series to draw
     */
    public static BufferedImage series(Split split, INDArray predictions, int... indices) {
        Require.notNull("split", split);
        requireUnivariate("split.x()", split.x(), "series(split, Plots.feature(f), predictions, indices)");
        return render(seriesCharts(split, UNIVARIATE, predictions, indices));
    }

    /**
     * {@link #series(Split, INDArray, int...)} for one feature of a multivariate split: the input feature
     * {@code feature.input()} of each series, its target (column {@code feature.target()} of one-step targets
     * {@code [batch, k]}; none for sequence targets) and its forecast (the same column of {@code predictions}).
     *
     * @param split       the split to draw from, {@code x [batch, steps, features]}
     * @param feature     which feature, e.g. {@code Plots.feature(1)}
     * @param predictions forecasts {@code [batch, k]} for the same rows, or null
     * @param indices     which series (rows) to draw, at least one
     */
    public static BufferedImage series(Split split, Feature feature, INDArray predictions, int... indices) {
        return render(seriesCharts(split, feature, predictions, indices));
    }

    /** The panels of {@link #series(Split, Feature, INDArray, int...)}. */
    static XYChart[] seriesCharts(Split split, Feature feature, INDArray predictions, int... indices) {
        Require.notNull("split", split);
        Require.notNull("feature", feature);
        Require.notNull("indices", indices);
        if (indices.length == 0) {
            throw new IllegalArgumentException("indices must name at least one series of " + split.name());
        }
        XYChart[] charts = new XYChart[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int row = Require.inRange("indices[" + i + "]", indices[i], 0, split.size() - 1);
            Double target = split.y().rank() == 2 ? feature.oneStepOf("split.y()", split.y(), row) : null;
            Double forecast = predictions == null ? null : feature.oneStepOf("predictions", predictions, row);
            charts[i] = seriesChart(feature.inputOf(split.x(), row), target, forecast, i == 0, i == 0);
        }
        return charts;
    }

    /**
     * One panel of {@code plot_series}: the series as a line with dots, then optionally the target (blue dot)
     * and the forecast (red cross) at {@code t = steps}; axes {@code [0, steps + 1] x [-1, 1]}.
     */
    public static XYChart seriesChart(double[] series, Double target, Double forecast, boolean yLabel,
                                      boolean legend) {
        int steps = series.length;
        XYChart chart = baseChart("t", yLabel ? "x(t)" : "");
        addLine(chart, "series", range(0, steps), series, BLUE);
        if (target != null) {
            addMarkers(chart, "Target", new double[] {steps}, new double[] {target}, BLUE, false);
        }
        if (forecast != null) {
            addMarkers(chart, "Prediction", new double[] {steps}, new double[] {forecast}, RED, true);
        }
        axes(chart, 0, steps + 1, series, target == null ? new double[0] : new double[] {target},
                forecast == null ? new double[0] : new double[] {forecast});
        chart.getStyler().setLegendVisible(legend && (target != null || forecast != null));
        hideFromLegend(chart, "series");
        return chart;
    }

    // ---- plot_learning_curves --------------------------------------------------------------------------------

    /**
     * The book's {@code plot_learning_curves}: training loss at mid-epoch ({@code epoch - 0.5}) and validation
     * loss at the end of each epoch, y from 0 to 0.05 as in the book (widened when the losses are larger, up to 1,
     * or to the largest loss when the validation loss exceeds 1), ticks
     * on whole epochs. The title is the history's model name, fitted to the panel (see {@link #fitTitle}).
     */
    public static BufferedImage learningCurves(History history) {
        return render(learningCurvesChart(history));
    }

    /** The chart behind {@link #learningCurves(History)}. */
    public static XYChart learningCurvesChart(History history) {
        Require.notNull("history", history);
        double[] loss = history.loss();
        double[] valLoss = history.valLoss();
        if (loss.length == 0) {
            throw new IllegalArgumentException("history has no epochs to plot");
        }
        XYChart chart = baseChart("Epochs", "Loss");
        double[] trainX = new double[loss.length];
        double[] validX = new double[loss.length];
        for (int i = 0; i < loss.length; i++) {
            trainX[i] = i + 0.5;
            validX[i] = i + 1;
        }
        addLine(chart, "Training loss", trainX, loss, BLUE);
        addLine(chart, "Validation loss", validX, valLoss, RED);
        // The book fixes the y axis to [0, 0.05]; widen it only when the validation loss never gets below that, and
        // for losses above 1 (cross-entropy, as exercise 10's) to hold both curves.
        double top = max(valLoss) <= 0.05 ? 0.05 : max(valLoss) <= 1 ? Math.min(1.05 * max(valLoss), 1.0)
                : 1.05 * Math.max(max(valLoss), max(loss));
        axes(chart, loss.length > 1 ? 1 : 0, Math.max(loss.length, 2), 0, top);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setYAxisDecimalPattern("0.000");
        // Whole epochs only, as the book's MaxNLocator(integer=True): with an integer pattern XChart widens its tick
        // step until no label would lose decimals.
        chart.getStyler().setXAxisDecimalPattern("0");
        fitTitle(chart, history.model());
        return chart;
    }

    // ---- plot_multiple_forecasts -----------------------------------------------------------------------------

    /**
     * The book's {@code plot_multiple_forecasts} for the first series: inputs (blue), then the actual next values
     * (red dots, {@code "ro-"}) and the forecast (blue crosses, {@code "bx-"}).
     *
     * @param x        inputs {@code [batch, steps, 1]}
     * @param actual   the true next values {@code [batch, ahead]} (or {@code [batch, ahead, 1]})
     * @param forecast forecasts of the same shape as {@code actual}
     */
    public static BufferedImage multipleForecasts(INDArray x, INDArray actual, INDArray forecast) {
        return render(multipleForecastsChart(x, actual, forecast));
    }

    /** The chart behind {@link #multipleForecasts}. */
    public static XYChart multipleForecastsChart(INDArray x, INDArray actual, INDArray forecast) {
        requireUnivariate("x", x, "multipleForecasts(x, actual, forecast, Plots.feature(f))");
        return multipleForecastsChart(x, actual, forecast, UNIVARIATE);
    }

    /**
     * {@link #multipleForecasts(INDArray, INDArray, INDArray)} for one feature of a multivariate series: input feature
     * {@code feature.input()} of the first series, and its actual and forecast values ahead (column
     * {@code feature.target()}; see {@link Feature} for the shapes).
     *
     * @param x        inputs {@code [batch, steps, features]}
     * @param actual   the true next values, {@code [batch, ahead, k]} or {@code [batch, ahead]}
     * @param forecast forecasts of the same kind (e.g. {@code Forecasts.forecastAhead}'s {@code [batch, ahead, features]})
     * @param feature  which feature, e.g. {@code Plots.feature(1)}
     */
    public static BufferedImage multipleForecasts(INDArray x, INDArray actual, INDArray forecast, Feature feature) {
        return render(multipleForecastsChart(x, actual, forecast, feature));
    }

    /** The chart behind {@link #multipleForecasts(INDArray, INDArray, INDArray, Feature)}. */
    public static XYChart multipleForecastsChart(INDArray x, INDArray actual, INDArray forecast, Feature feature) {
        Require.notNull("feature", feature);
        double[] input = feature.inputOf(x, 0);
        double[] act = feature.aheadOf("actual", actual);
        double[] fc = feature.aheadOf("forecast", forecast);
        if (act.length != fc.length) {
            throw new IllegalArgumentException("actual and forecast must have the same length, got "
                    + act.length + " and " + fc.length);
        }
        int steps = input.length;
        XYChart chart = seriesChart(input, null, null, true, false);
        double[] t = range(steps, steps + act.length);
        // The book: "ro-" for the actual values, "bx-" for the forecast.
        addLine(chart, "Actual", t, act, RED);
        XYSeries f = addLine(chart, "Forecast", t, fc, BLUE);
        f.setMarker(SeriesMarkers.CROSS);
        axes(chart, 0, steps + act.length, input, act, fc);
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        return chart;
    }

    // ---- MC Dropout ------------------------------------------------------------------------------------------

    /**
     * A forecast with its uncertainty for the first series, in {@link #multipleForecasts}' colours: the inputs
     * (blue), the actual next values (red dots), the MC-Dropout mean forecast (blue crosses) and a band of {@code k}
     * standard deviations around it (dashed blue bounds and error bars).
     *
     * @param x      inputs {@code [batch, steps, 1]}
     * @param actual the true next values {@code [batch, ahead]}
     * @param mean   mean forecasts {@code [batch, ahead]}
     * @param std    standard deviations {@code [batch, ahead]}
     * @param k      band half-width in standard deviations (e.g. 2)
     */
    public static BufferedImage forecastBand(INDArray x, INDArray actual, INDArray mean, INDArray std, double k) {
        return render(forecastBandChart(x, actual, mean, std, k));
    }

    /** The chart behind {@link #forecastBand}. */
    public static XYChart forecastBandChart(INDArray x, INDArray actual, INDArray mean, INDArray std, double k) {
        requireUnivariate("x", x, "forecastBand(x, actual, mean, std, k, Plots.feature(f))");
        return forecastBandChart(x, actual, mean, std, k, UNIVARIATE);
    }

    /**
     * {@link #forecastBand(INDArray, INDArray, INDArray, INDArray, double)} for one feature of a multivariate series
     * (input feature {@code feature.input()}; column {@code feature.target()} of {@code actual}, {@code mean} and
     * {@code std}, each {@code [batch, ahead, k]} or {@code [batch, ahead]}; see {@link Feature}).
     */
    public static BufferedImage forecastBand(INDArray x, INDArray actual, INDArray mean, INDArray std, double k,
                                             Feature feature) {
        return render(forecastBandChart(x, actual, mean, std, k, feature));
    }

    /** The chart behind {@link #forecastBand(INDArray, INDArray, INDArray, INDArray, double, Feature)}. */
    public static XYChart forecastBandChart(INDArray x, INDArray actual, INDArray mean, INDArray std, double k,
                                            Feature feature) {
        Require.notNull("feature", feature);
        Require.positive("k", k);
        double[] input = feature.inputOf(x, 0);
        double[] act = feature.aheadOf("actual", actual);
        double[] m = feature.aheadOf("mean", mean);
        double[] s = feature.aheadOf("std", std);
        if (act.length != m.length || m.length != s.length) {
            throw new IllegalArgumentException("actual, mean and std must have the same length, got "
                    + act.length + ", " + m.length + ", " + s.length);
        }
        double[] lower = new double[m.length];
        double[] upper = new double[m.length];
        double[] err = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            err[i] = k * s[i];
            lower[i] = m[i] - err[i];
            upper[i] = m[i] + err[i];
        }
        int steps = input.length;
        double[] t = range(steps, steps + m.length);
        XYChart chart = seriesChart(input, null, null, true, false);
        // Colours as plot_multiple_forecasts: actual values red, the forecast (and its band) blue.
        Color band = new Color(BLUE.getRed(), BLUE.getGreen(), BLUE.getBlue(), 140);
        BasicStroke dashed = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 3f}, 0f);
        XYSeries up = chart.addSeries(String.format("mean ± %.3gσ", k), t, upper);
        XYSeries low = chart.addSeries("lower bound", t, lower);
        for (XYSeries b : new XYSeries[] {up, low}) {
            b.setLineColor(band);
            b.setLineStyle(dashed);
            b.setMarker(SeriesMarkers.NONE);
        }
        low.setShowInLegend(false);
        addLine(chart, "Actual", t, act, RED);
        XYSeries f = chart.addSeries("MC Dropout mean", t, m, err);
        f.setLineColor(BLUE);
        f.setMarkerColor(BLUE);
        f.setMarker(SeriesMarkers.CROSS);
        chart.getStyler().setErrorBarsColor(band);
        chart.getStyler().setErrorBarsColorSeriesColor(false);
        axes(chart, 0, steps + m.length, input, act, lower, upper);
        chart.getStyler().setLegendVisible(true);
        // the forecast sits at the right end: keep the legend off it and off the first peaks
        chart.getStyler().setLegendPosition(LegendPosition.InsideSW);
        return chart;
    }

    // ---- titles ----------------------------------------------------------------------------------------------

    /** Smallest title font, in points, before a title is shortened. */
    static final float MIN_TITLE_POINTS = 8f;

    /**
     * Sets {@code title} on {@code chart} so that it fits the panel: XChart draws a title on one line, centred over
     * the plot, and cuts whatever overhangs the panel. In order, until it fits: runs of identical layers in a
     * model description collapse ({@code "Conv1D(20) > Conv1D(20)"} to {@code "Conv1D(20) ×2"}); the font shrinks
     * from its size down to {@value #MIN_TITLE_POINTS} points; the middle gives way to an ellipsis, keeping the
     * beginning and the end (the parameter count).
     *
     * @return the title as set
     */
    public static String fitTitle(XYChart chart, String title) {
        Require.notNull("chart", chart);
        Require.notNull("title", title);
        // XChart centres the title over the plot: paint once to learn where the plot is (with a title set, as XChart
        // keeps the layout of its first paint).
        chart.setTitle(title);
        BitmapEncoder.getBufferedImage(chart);
        double left = chart.getScreenXFromChart(chart.getStyler().getXAxisMin() == null ? 0
                : chart.getStyler().getXAxisMin());
        double right = chart.getScreenXFromChart(chart.getStyler().getXAxisMax() == null ? 1
                : chart.getStyler().getXAxisMax());
        double centre = (left + right) / 2;
        double margin = chart.getStyler().getChartPadding();
        double room = 2 * Math.min(centre - margin, chart.getWidth() - margin - centre);
        Font font = chart.getStyler().getChartTitleFont();
        String text = collapseRepeats(title);
        while (width(text, font) > room && font.getSize2D() > MIN_TITLE_POINTS) {
            font = font.deriveFont(Math.max(MIN_TITLE_POINTS, font.getSize2D() - 0.5f));
        }
        if (width(text, font) > room) {
            text = elideMiddle(text, font, room);
        }
        chart.getStyler().setChartTitleFont(font);
        chart.setTitle(text);
        return text;
    }

    /**
     * Drops whole layers from the middle of a {@code "A > B > C > D, N params"} chain (then characters, for other
     * titles) until it fits {@code room} pixels: {@code "A > B > … > D, N params"}.
     */
    static String elideMiddle(String text, Font font, double room) {
        int lastLink = text.lastIndexOf(" > ");
        if (lastLink > 0) {
            String end = text.substring(lastLink); // " > D, N params"
            java.util.List<String> head = new java.util.ArrayList<>(Arrays.asList(text.substring(0, lastLink).split(" > ")));
            while (head.size() > 1 && width(String.join(" > ", head) + " > …" + end, font) > room) {
                head.remove(head.size() - 1);
            }
            String shortened = String.join(" > ", head) + " > …" + end;
            if (width(shortened, font) <= room) {
                return shortened;
            }
        }
        int keep = text.length();
        while (keep > 2 && width(text.substring(0, keep / 2) + "…" + text.substring(text.length() - keep / 2), font) > room) {
            keep--;
        }
        return text.substring(0, keep / 2) + "…" + text.substring(text.length() - keep / 2);
    }

    /** {@code "A > A > A > B"} to {@code "A ×3 > B"}: consecutive identical parts of a " > " chain collapse. */
    static String collapseRepeats(String title) {
        int comma = title.lastIndexOf(", ");
        String chain = comma < 0 ? title : title.substring(0, comma);
        String[] parts = chain.split(" > ");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; ) {
            int j = i;
            while (j < parts.length && parts[j].equals(parts[i])) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : " > ").append(parts[i]).append(j - i > 1 ? " ×" + (j - i) : "");
            i = j;
        }
        return comma < 0 ? sb.toString() : sb + title.substring(comma);
    }

    private static double width(String text, Font font) {
        return font.getStringBounds(text, new java.awt.font.FontRenderContext(null, true, true)).getWidth();
    }

    // ---- rendering -------------------------------------------------------------------------------------------

    /** Renders charts (any XChart charts) side by side into one image, one panel each. */
    public static BufferedImage render(org.knowm.xchart.internal.chartpart.Chart<?, ?>... charts) {
        if (charts.length == 0) {
            throw new IllegalArgumentException("charts must hold at least one chart");
        }
        if (charts.length == 1) {
            return BitmapEncoder.getBufferedImage(charts[0]);
        }
        BufferedImage[] panels = Arrays.stream(charts).map(BitmapEncoder::getBufferedImage).toArray(BufferedImage[]::new);
        int width = Arrays.stream(panels).mapToInt(BufferedImage::getWidth).sum();
        int height = Arrays.stream(panels).mapToInt(BufferedImage::getHeight).max().orElse(0);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int x = 0;
        for (BufferedImage p : panels) {
            g.drawImage(p, x, 0, null);
            x += p.getWidth();
        }
        g.dispose();
        return out;
    }

    /** A white panel with a grid, the book's sizes and the given axis titles. */
    static XYChart baseChart(String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesVisible(true);
        st.setPlotGridLinesColor(new Color(220, 220, 220));
        st.setLegendPosition(LegendPosition.InsideNW);
        st.setLegendBorderColor(new Color(200, 200, 200));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setMarkerSize(6);
        st.setAntiAlias(true);
        // plt.hlines(0, ...): a thin zero line. An annotation spans the plot whatever its x range (a series would
        // end where its data end, and would widen an automatic axis).
        st.setAnnotationLineColor(GREY);
        st.setAnnotationLineStroke(new BasicStroke(0.8f));
        chart.addAnnotation(new AnnotationLine(0, false, false));
        return chart;
    }

    /** A line with dot markers, matplotlib's {@code ".-"}. */
    static XYSeries addLine(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setLineStyle(new BasicStroke(1.5f));
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    static XYSeries addMarkers(XYChart chart, String name, double[] x, double[] y, Color color, boolean cross) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineStyle(SeriesLines.NONE);
        s.setMarker(cross ? SeriesMarkers.CROSS : SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        s.setLineColor(color);
        return s;
    }

    static void axes(XYChart chart, double xMin, double xMax, double yMin, double yMax) {
        var st = chart.getStyler();
        st.setXAxisMin(xMin);
        st.setXAxisMax(xMax);
        st.setYAxisMin(yMin);
        st.setYAxisMax(yMax);
    }

    /**
     * The book's axes {@code [xMin, xMax] x [-1, 1]}, the y range widened (with a 5% margin) when any of the values
     * drawn leaves {@code [-1, 1]}, so that a series of one's own is not cut off.
     */
    static void axes(XYChart chart, double xMin, double xMax, double[]... drawn) {
        double lo = -1;
        double hi = 1;
        for (double[] values : drawn) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double margin = lo < -1 || hi > 1 ? 0.05 * (hi - lo) : 0;
        axes(chart, xMin, xMax, lo < -1 ? lo - margin : -1, hi > 1 ? hi + margin : 1);
    }

    /** The univariate plots' check: {@code [batch, steps, 1]}, pointing a multivariate series to its overload. */
    static void requireUnivariate(String name, INDArray x, String overload) {
        Require.sequences(name, x);
        if (x.size(2) != 1) {
            throw new IllegalArgumentException(name + " must have shape [batch, steps, 1], got "
                    + Arrays.toString(x.shape()) + "; for a series of " + x.size(2) + " features choose the one to "
                    + "draw: " + overload);
        }
    }

    static void hideFromLegend(XYChart chart, String series) {
        chart.getSeriesMap().get(series).setShowInLegend(false);
    }

    static double[] range(int from, int to) {
        double[] r = new double[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
