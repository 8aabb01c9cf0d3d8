package io.github.seqbook.plots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Set;

import javax.imageio.ImageIO;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.Forecasts;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Training;
import io.github.seqbook.models.Models;
import org.junit.jupiter.api.Test;

class PlotsTest {
    static final SeriesData DATA = SeriesData.nextValue(50);

    /** Encodes to PNG and decodes again, as the kernel does, and checks the picture is not blank. */
    static BufferedImage roundTrip(BufferedImage img) throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", png));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < back.getHeight(); y += 3) {
            for (int x = 0; x < back.getWidth(); x += 3) {
                colours.add(back.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 10, "image looks blank: " + colours.size() + " colours");
        return back;
    }

    /** Pixels close to colour {@code c} (anti-aliasing blends the edges of thin strokes). */
    static int countPixels(BufferedImage img, java.awt.Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                java.awt.Color p = new java.awt.Color(img.getRGB(x, y));
                int d = Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen())
                        + Math.abs(p.getBlue() - c.getBlue());
                if (d < 60) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void threeSeriesSideBySide() throws Exception {
        BufferedImage img = roundTrip(Plots.series(DATA.valid(), 0, 1, 2));
        assertEquals(3 * Plots.PANEL_WIDTH, img.getWidth());
        assertEquals(Plots.PANEL_HEIGHT, img.getHeight());
        assertTrue(countPixels(img, Plots.BLUE) > 100, "series lines should be drawn in blue");
    }

    @Test
    void forecastMarkerIsRed() throws Exception {
        BufferedImage without = Plots.series(DATA.valid(), 0);
        BufferedImage with = roundTrip(Plots.series(DATA.valid(), Forecasts.naive(DATA.valid().x(), 1), 0));
        assertEquals(0, countPixels(without, Plots.RED));
        assertTrue(countPixels(with, Plots.RED) > 5, "prediction cross should be red");
    }

    @Test
    void learningCurves() throws Exception {
        History h = Training.fit(Models.linear(50, 1), DATA.train().head(300), DATA.valid().head(100), 3,
                new FitOptions().out(null));
        BufferedImage img = roundTrip(Plots.learningCurves(h));
        assertEquals(Plots.PANEL_WIDTH, img.getWidth());
        assertTrue(countPixels(img, Plots.RED) > 20 && countPixels(img, Plots.BLUE) > 20);
    }

    @Test
    void zeroLineSpansTheWholeXRange() {
        // plt.hlines(0, ...) across the plot, however many steps: a 3000-step series at 0.5 leaves the zero line
        // alone on its row. Dark pixels must lie on it at t = 100, 1500 and 2900.
        double[] flat = new double[3000];
        java.util.Arrays.fill(flat, 0.5);
        var chart = Plots.seriesChart(flat, null, null, true, false);
        BufferedImage img = Plots.render(chart);
        int row = (int) Math.round(chart.getScreenYFromChart(0));
        for (double t : new double[] {100, 1500, 2900}) {
            int col = (int) Math.round(chart.getScreenXFromChart(t));
            assertTrue(darkNear(img, col, row), "no zero line at t = " + t + " (pixel " + col + ", " + row + ")");
        }
    }

    /** A pixel darker than the grid within one pixel of (x, y). */
    static boolean darkNear(BufferedImage img, int x, int y) {
        for (int dy = -1; dy <= 1; dy++) {
            java.awt.Color p = new java.awt.Color(img.getRGB(x, y + dy));
            if (p.getRed() + p.getGreen() + p.getBlue() < 450) {
                return true;
            }
        }
        return false;
    }

    /** The x-axis tick labels XChart placed inside the axis range (read through its internal axis, after painting). */
    static java.util.List<String> xTickLabels(org.knowm.xchart.XYChart chart) throws Exception {
        Plots.render(chart);
        Object axis = invoke(chart, "getXAxis");
        Object calculator = invoke(axis, "getAxisTickCalculator");
        @SuppressWarnings("unchecked")
        java.util.List<String> labels = (java.util.List<String>) invoke(calculator, "getTickLabels");
        double min = chart.getStyler().getXAxisMin();
        double max = chart.getStyler().getXAxisMax();
        return labels.stream().filter(l -> Double.parseDouble(l) >= min && Double.parseDouble(l) <= max).toList();
    }

    static Object invoke(Object target, String method) throws Exception {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == 0) {
                    m.setAccessible(true);
                    return m.invoke(target);
                }
            }
        }
        throw new NoSuchMethodException(method);
    }

    @Test
    void learningCurvesTickWholeEpochsOnly() throws Exception {
        // matplotlib's MaxNLocator(integer=True) in the book: epochs 1, 2, 3, never 1.5.
        for (int epochs : new int[] {2, 3, 5}) {
            History h = Training.fit(Models.linear(50, 1), DATA.train().head(64), DATA.valid().head(32), epochs,
                    new FitOptions().out(null));
            java.util.List<String> labels = xTickLabels(Plots.learningCurvesChart(h));
            assertTrue(labels.size() >= 2, epochs + " epochs: " + labels);
            for (String l : labels) {
                assertTrue(l.matches("\\d+"), epochs + " epochs: tick " + l + " is not a whole epoch: " + labels);
            }
        }
    }

    @Test
    void longModelNamesFitTheLearningCurveTitle() throws Exception {
        SeriesData seq = SeriesData.sequenceToSequence(50, 10);
        for (var model : new org.deeplearning4j.nn.multilayer.MultiLayerNetwork[] {
                Models.wavenet(50, 10), Models.deepRnnWithBatchNorm(50, 10)}) {
            History h = Training.fit(model, seq.train().head(32), seq.valid().head(32), 1, new FitOptions().out(null));
            var chart = Plots.learningCurvesChart(h);
            BufferedImage img = roundTrip(Plots.render(chart));
            // The title band (above the plot) has text, and none of it touches either edge of the panel.
            int band = (int) chart.getScreenYFromChart(chart.getStyler().getYAxisMax()) - 2;
            int dark = 0;
            for (int y = 0; y < band; y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    java.awt.Color p = new java.awt.Color(img.getRGB(x, y));
                    if (p.getRed() + p.getGreen() + p.getBlue() < 300) {
                        dark++;
                        assertTrue(x >= 4 && x < img.getWidth() - 4, h.model() + ": title cut at x = " + x);
                    }
                }
            }
            assertTrue(dark > 50, h.model() + ": no title drawn");
            assertTrue(chart.getTitle().endsWith(h.params() + " params"), chart.getTitle());
        }
    }

    @Test
    void forecastsUseTheBooksColours() {
        // plot_multiple_forecasts: the input series blue, "ro-" for the actual values, "bx-" for the forecast.
        SeriesData ten = SeriesData.nextValues(50, 10);
        var x = ten.valid().x();
        var chart = Plots.multipleForecastsChart(x, ten.valid().y(), Forecasts.naive(x, 10));
        assertSeries(chart.getSeriesMap().get("series"), Plots.BLUE, org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        assertSeries(chart.getSeriesMap().get("Actual"), Plots.RED, org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        assertSeries(chart.getSeriesMap().get("Forecast"), Plots.BLUE, org.knowm.xchart.style.markers.SeriesMarkers.CROSS);
        var band = Plots.forecastBandChart(x, ten.valid().y(), Forecasts.naive(x, 10),
                org.nd4j.linalg.factory.Nd4j.ones(2000, 10).mul(0.1), 2);
        assertSeries(band.getSeriesMap().get("Actual"), Plots.RED, org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        assertSeries(band.getSeriesMap().get("MC Dropout mean"), Plots.BLUE,
                org.knowm.xchart.style.markers.SeriesMarkers.CROSS);
    }

    static void assertSeries(org.knowm.xchart.XYSeries s, java.awt.Color colour,
                             org.knowm.xchart.style.markers.Marker marker) {
        assertEquals(colour, s.getMarkerColor(), s.getName() + " marker colour");
        assertEquals(colour, s.getLineColor(), s.getName() + " line colour");
        assertEquals(marker.getClass(), s.getMarker().getClass(), s.getName() + " marker");
    }

    @Test
    void badIndicesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Plots.series(DATA.valid(), 5000));
        assertTrue(e.getMessage().contains("indices[0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Plots.series(DATA.valid()));
    }

    // ---- multivariate series: choosing the feature --------------------------------------------------------------

    /** Three features per step, each its own ramp, so that every value says which feature and step it is. */
    static org.nd4j.linalg.api.ndarray.INDArray threeFeatures(int batch, int steps) {
        var x = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, batch, steps, 3);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < 3; f++) {
                    x.putScalar(new long[] {b, t, f}, 0.1 * f + 0.001 * t + 0.0001 * b);
                }
            }
        }
        return x;
    }

    static double[] y(org.knowm.xchart.XYChart chart, String series) {
        return chart.getSeriesMap().get(series).getYData();
    }

    @Test
    void multipleForecastsDrawTheChosenFeature() {
        var x = threeFeatures(4, 20);
        // forecastAhead's layout for a multivariate series: [batch, ahead, features]
        var actual = threeFeatures(4, 5).add(0.5);
        var forecast = threeFeatures(4, 5).add(0.6);
        var chart = Plots.multipleForecastsChart(x, actual, forecast, Plots.feature(2));
        assertArrayEquals(x.get(point(0), all(), point(2)).toDoubleVector(), y(chart, "series"), 1e-12);
        assertArrayEquals(actual.get(point(0), all(), point(2)).toDoubleVector(), y(chart, "Actual"), 1e-12);
        assertArrayEquals(forecast.get(point(0), all(), point(2)).toDoubleVector(), y(chart, "Forecast"), 1e-12);
        // Only feature 2 forecast ([batch, ahead], Windows.targets(2)): column 0 of the targets is feature 2.
        var only2 = actual.get(all(), all(), point(2)).dup();
        var chart2 = Plots.multipleForecastsChart(x, only2, only2, Plots.feature(2, 0));
        assertArrayEquals(y(chart, "series"), y(chart2, "series"), 1e-12);
        assertArrayEquals(y(chart, "Actual"), y(chart2, "Actual"), 1e-12);
    }

    @Test
    void aBandAndSeriesPanelsDrawTheChosenFeature() {
        var x = threeFeatures(4, 20);
        var mean = threeFeatures(4, 5).add(0.5);
        var std = org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 4, 5, 3).mul(0.01);
        var band = Plots.forecastBandChart(x, mean, mean, std, 2, Plots.feature(1));
        assertArrayEquals(x.get(point(0), all(), point(1)).toDoubleVector(), y(band, "series"), 1e-12);
        assertArrayEquals(mean.get(point(0), all(), point(1)).toDoubleVector(), y(band, "MC Dropout mean"), 1e-12);
        // One step ahead for features 0 and 1 ([batch, 2]): feature 1's target and forecast are column 1.
        var targets = org.nd4j.linalg.factory.Nd4j.create(new double[][] {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}, {0.7, 0.8}});
        var split = new io.github.seqbook.data.Split("valid", x, targets);
        var panels = Plots.seriesCharts(split, Plots.feature(1), targets.mul(2), 0, 3);
        assertEquals(2, panels.length);
        assertArrayEquals(x.get(point(3), all(), point(1)).toDoubleVector(), y(panels[1], "series"), 1e-12);
        assertArrayEquals(new double[] {0.8}, y(panels[1], "Target"), 1e-12);
        assertArrayEquals(new double[] {1.6}, y(panels[1], "Prediction"), 1e-12);
    }

    @Test
    void theUnivariatePlotsAreFeatureZero() {
        SeriesData ten = SeriesData.nextValues(50, 10);
        var x = ten.valid().x();
        var naive = Forecasts.naive(x, 10);
        var plain = Plots.multipleForecastsChart(x, ten.valid().y(), naive);
        var chosen = Plots.multipleForecastsChart(x, ten.valid().y(), naive, Plots.feature(0));
        for (String s : new String[] {"series", "Actual", "Forecast"}) {
            assertArrayEquals(y(plain, s), y(chosen, s), 1e-12, s);
        }
    }

    @Test
    void aMultivariateSeriesMustChooseItsFeature() {
        var x = threeFeatures(4, 20);
        var ahead = threeFeatures(4, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> Plots.multipleForecasts(x, ahead, ahead));
        assertTrue(e.getMessage().contains("[4, 20, 3]") && e.getMessage().contains("Plots.feature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Plots.series(
                new io.github.seqbook.data.Split("valid", x, org.nd4j.linalg.factory.Nd4j.zeros(4, 3)), 0));
        assertTrue(e.getMessage().contains("Plots.feature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Plots.multipleForecasts(x, ahead, ahead, Plots.feature(3)));
        assertTrue(e.getMessage().contains("feature.input") && e.getMessage().contains("got 3"), e.getMessage());
        // [batch, ahead] holds one feature's values: no column 1 to take.
        var flat = org.nd4j.linalg.factory.Nd4j.zeros(4, 10);
        e = assertThrows(IllegalArgumentException.class,
                () -> Plots.multipleForecasts(x, flat, flat, Plots.feature(1)));
        assertTrue(e.getMessage().contains("reshape(batch, ahead, k)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Plots.feature(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void theYAxisWidensForValuesOutsideTheBooksRange() {
        double[] big = new double[30];
        for (int t = 0; t < big.length; t++) {
            big[t] = 100 + 10 * Math.sin(t);
        }
        var chart = Plots.seriesChart(big, 120.0, null, true, false);
        assertTrue(chart.getStyler().getYAxisMax() >= 120 && chart.getStyler().getYAxisMin() <= -1,
                chart.getStyler().getYAxisMin() + " .. " + chart.getStyler().getYAxisMax());
        // The book's data stay in [-1, 1]: the book's axis.
        var book = Plots.multipleForecastsChart(DATA.valid().x(), DATA.valid().y(), DATA.valid().y());
        assertEquals(-1.0, book.getStyler().getYAxisMin());
        assertEquals(1.0, book.getStyler().getYAxisMax());
    }
}
