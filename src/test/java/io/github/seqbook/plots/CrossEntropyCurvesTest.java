package io.github.seqbook.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.seqbook.training.History;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** Learning curves of a classifier (cross-entropy losses above 1) fit in the chart, as exercise 10's do. */
class CrossEntropyCurvesTest {
    static History history(double[] loss, double[] valLoss) {
        Table t = Table.create("h", IntColumn.create("epoch", new int[] {1, 2, 3}), DoubleColumn.create("loss", loss),
                DoubleColumn.create("val_loss", valLoss), DoubleColumn.create("seconds", new double[] {1, 1, 1}));
        return new History("classifier", t, 10);
    }

    @Test
    void theAxisHoldsLossesAboveOne() {
        var chart = Plots.learningCurvesChart(history(new double[] {3.7, 1.4, 0.9}, new double[] {2.5, 1.1, 0.8}));
        assertTrue(chart.getStyler().getYAxisMax() >= 3.7, "y max " + chart.getStyler().getYAxisMax());
        assertTrue(chart.getStyler().getYAxisMax() <= 3.7 * 1.1, "y max " + chart.getStyler().getYAxisMax());
        // Regression losses keep the book's axis: at most 1.
        var mse = Plots.learningCurvesChart(history(new double[] {3.0, 0.2, 0.1}, new double[] {0.5, 0.1, 0.08}));
        assertEquals(0.525, mse.getStyler().getYAxisMax(), 1e-9);
    }
}
