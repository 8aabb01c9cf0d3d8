package io.github.seqbook.plots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** The piano roll draws every note of every voice where it is played, and nothing for silence. */
class PianoRollTest {
    static final int[][] CHORDS = {
        {72, 64, 55, 48},
        {72, 64, 55, 48},
        {74, 65, 0, 48},
        {76, 65, 0, 43},
    };

    private static double[] xs(XYChart chart, String series) {
        return chart.getSeriesMap().get(series).getXData();
    }

    private static double[] ys(XYChart chart, String series) {
        return chart.getSeriesMap().get(series).getYData();
    }

    @Test
    void eachHeldNoteIsOneSegment() {
        XYChart chart = PianoRoll.chart("t", CHORDS, 2);
        // soprano: 72 held over chords 0-1, then 74, then 76
        assertArrayEquals(new double[] {0, 2, 2, 2, 3, 3, 3, 4, 4}, xs(chart, "soprano"));
        assertArrayEquals(new double[] {72, 72, Double.NaN, 74, 74, Double.NaN, 76, 76, Double.NaN},
                ys(chart, "soprano"));
        // tenor: 55 over chords 0-1, then silence: nothing
        assertArrayEquals(new double[] {0, 2, 2}, xs(chart, "tenor"));
        assertArrayEquals(new double[] {55, 55, Double.NaN}, ys(chart, "tenor"));
        // bass: 48 over chords 0-2, 43 on chord 3
        assertArrayEquals(new double[] {0, 3, 3, 3, 4, 4}, xs(chart, "bass"));
        // the seed marker at chord 2
        assertArrayEquals(new double[] {2, 2}, xs(chart, "seed"));
        assertFalse(PianoRoll.chart("t", CHORDS, 0).getSeriesMap().containsKey("seed"));
    }

    /** Rows of the image holding the colour, top to bottom, and the leftmost and rightmost column. */
    private static int[] extent(BufferedImage img, Color colour) {
        int top = -1;
        int bottom = -1;
        int left = Integer.MAX_VALUE;
        int right = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    top = top < 0 ? y : top;
                    bottom = y;
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        return new int[] {top, bottom, left, right};
    }

    @Test
    void theImageShowsTheNotesAtTheirPitchAndTime() {
        // soprano holds 80 all along; bass plays 40 in the first half only; alto and tenor are silent.
        int[][] chords = new int[16][];
        for (int i = 0; i < 16; i++) {
            chords[i] = new int[] {80, 0, 0, i < 8 ? 40 : 0};
        }
        BufferedImage shown = PianoRoll.of("test", chords);
        assertEquals(PianoRoll.WIDTH, shown.getWidth());
        assertEquals(PianoRoll.HEIGHT, shown.getHeight());
        // The same chart without its legend, whose samples would hold the voices' colours too.
        XYChart chart = PianoRoll.chart("test", chords, 0);
        chart.getStyler().setLegendVisible(false);
        BufferedImage img = org.knowm.xchart.BitmapEncoder.getBufferedImage(chart);
        int[] soprano = extent(img, PianoRoll.COLOURS[0]);
        int[] bass = extent(img, PianoRoll.COLOURS[3]);
        assertTrue(soprano[0] >= 0 && bass[0] >= 0, "both voices drawn");
        assertTrue(soprano[1] < bass[0], "the high note above the low one");
        // a bar a few pixels thick, not a filled area
        assertTrue(soprano[1] - soprano[0] <= 8, "soprano rows " + soprano[0] + ".." + soprano[1]);
        // 80 and 40 are near the top and the bottom of the 35..82 axis
        assertTrue(bass[0] - soprano[0] > img.getHeight() / 3);
        // the bass stops half way: its bar is about half as long as the soprano's
        double ratio = (double) (bass[3] - bass[2]) / (soprano[3] - soprano[2]);
        assertEquals(0.5, ratio, 0.05);
        assertEquals(soprano[2], bass[2], 2, "both start at chord 0");
        // a silent voice draws nothing
        assertEquals(-1, extent(img, PianoRoll.COLOURS[1])[0]);
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PianoRoll.chart("t", CHORDS, 5));
        assertTrue(e.getMessage().contains("seedChords"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PianoRoll.of("t", new int[][] {{72, 64, 55}}));
        assertTrue(e.getMessage().contains("chords"), e.getMessage());
        XYSeries s = PianoRoll.chart("t", new int[][] {{0, 0, 0, 0}}, 0).getSeriesMap().get("alto");
        assertTrue(Double.isNaN(s.getYData()[0]));
    }
}
