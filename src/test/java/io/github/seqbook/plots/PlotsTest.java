package io.github.seqbook.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
