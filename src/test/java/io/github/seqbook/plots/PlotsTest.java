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
    void badIndicesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Plots.series(DATA.valid(), 5000));
        assertTrue(e.getMessage().contains("indices[0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Plots.series(DATA.valid()));
    }
}
