package io.github.seqbook.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import io.github.seqbook.Require;
import io.github.seqbook.data.Chorales;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A chorale as a piano roll (chapter 15, exercise 10): time runs to the right, one chord per step, and every note is
 * a horizontal bar at its pitch (MIDI number) from the chord where it starts to the chord where it stops, one colour
 * per voice (soprano, alto, tenor, bass). A dashed line marks where the seed chords end and the generated ones begin.
 * Silence draws nothing.
 */
public final class PianoRoll {
    /** Width of the figure in pixels. */
    public static final int WIDTH = 800;
    /** Height of the figure in pixels. */
    public static final int HEIGHT = 300;
    /** The voices, top to bottom, named as the series of the chart. */
    public static final List<String> VOICES = List.of("soprano", "alto", "tenor", "bass");
    /** The voices' colours (matplotlib's first four). */
    static final Color[] COLOURS = {Plots.BLUE, new Color(255, 127, 14), new Color(44, 160, 44), Plots.RED};

    private PianoRoll() {
    }

    /** The piano roll of {@code chords} without a seed marker. */
    public static BufferedImage of(String title, int[][] chords) {
        return of(title, chords, 0);
    }

    /**
     * The piano roll as an image a notebook cell shows.
     *
     * @param title      the chart's title
     * @param chords     {@code int[n][4]} of notes in {0} ∪ [36, 81]
     * @param seedChords how many of the first chords were given rather than generated (0: no marker), at most n
     */
    public static BufferedImage of(String title, int[][] chords, int seedChords) {
        return BitmapEncoder.getBufferedImage(chart(title, chords, seedChords));
    }

    /**
     * The piano roll as an XChart chart: x is the chord index (time, one sixteenth note per chord), y the MIDI note;
     * one series per voice in which every note is a segment from {@code (start, note)} to {@code (end, note)},
     * segments separated by a NaN point (a gap), and a series {@code "seed"} for the marker when
     * {@code seedChords > 0}.
     */
    public static XYChart chart(String title, int[][] chords, int seedChords) {
        Require.notNull("title", title);
        Chorales.checkChorale("chords", chords);
        Require.inRange("seedChords", seedChords, 0, chords.length);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("chord (time)").yAxisTitle("note (MIDI)").build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setChartTitleBoxVisible(false);
        st.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        st.setLegendBorderColor(Color.WHITE);
        st.setXAxisMin(0.0);
        st.setXAxisMax((double) chords.length);
        st.setYAxisMin((double) Chorales.MIN_NOTE - 1);
        st.setYAxisMax((double) Chorales.MAX_NOTE + 1);
        st.setYAxisDecimalPattern("#");
        st.setXAxisDecimalPattern("#");
        for (int v = 0; v < Chorales.VOICES; v++) {
            double[][] xy = segments(chords, v);
            if (xy[0].length == 0) {
                // a voice that is silent throughout: an empty series would break XChart's axis range
                xy = new double[][] {{0}, {Double.NaN}};
            }
            XYSeries s = chart.addSeries(VOICES.get(v), xy[0], xy[1]);
            s.setLineColor(COLOURS[v]);
            s.setLineStyle(new BasicStroke(5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
            s.setMarker(SeriesMarkers.NONE);
        }
        if (seedChords > 0) {
            XYSeries seed = chart.addSeries("seed", new double[] {seedChords, seedChords},
                    new double[] {Chorales.MIN_NOTE - 1, Chorales.MAX_NOTE + 1});
            seed.setLineColor(Plots.GREY);
            seed.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            seed.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /**
     * One voice's notes as segments: x and y arrays where each held note contributes {@code (start, note)},
     * {@code (end, note)} and a NaN gap point {@code (end, NaN)}; consecutive chords with the same note are one held
     * note.
     */
    static double[][] segments(int[][] chords, int voice) {
        List<double[]> points = new ArrayList<>();
        int c = 0;
        while (c < chords.length) {
            int note = chords[c][voice];
            int end = c + 1;
            while (end < chords.length && chords[end][voice] == note) {
                end++;
            }
            if (note != Chorales.SILENCE) {
                points.add(new double[] {c, note});
                points.add(new double[] {end, note});
                points.add(new double[] {end, Double.NaN});
            }
            c = end;
        }
        double[][] out = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            out[0][i] = points.get(i)[0];
            out[1][i] = points.get(i)[1];
        }
        return out;
    }
}
