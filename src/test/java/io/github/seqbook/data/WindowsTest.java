package io.github.seqbook.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/** Windows cut from a user's series are the book's slices of that series, for any number of features. */
class WindowsTest {
    /** One generated series of 60 values, as a plain double[]. */
    static final INDArray SERIES = SeriesGenerator.generate(1, 60, 42);

    static double[] plain() {
        return SERIES.reshape(60).toDoubleVector();
    }

    @Test
    void oneWindowIsTheBooksSlicing() {
        Split next = Windows.of(plain()).length(50).ahead(10).nextValues("train");
        assertEquals(1, next.size());
        assertEquals(Targets.inputs(SERIES, 50), next.x());
        assertEquals(Targets.nextValues(SERIES, 50, 10), next.y());
        Split seq = Windows.of(plain()).length(50).ahead(10).sequenceToSequence("train");
        assertEquals(Targets.sequenceToSequence(SERIES, 50, 10), seq.y());
    }

    @Test
    void windowsSlideByTheStride() {
        double[] s = new double[20];
        for (int t = 0; t < 20; t++) {
            s[t] = t;
        }
        Windows w = Windows.of(s).length(5).ahead(2).stride(3);
        // Starts 0, 3, ..., while start + 5 + 2 <= 20: 0, 3, 6, 9, 12.
        assertEquals(5, w.count());
        Split split = w.nextValues("train");
        assertArrayEquals(new long[] {5, 5, 1}, split.x().shape());
        assertArrayEquals(new double[] {9, 10, 11, 12, 13}, split.x().get(NDArrayIndex.point(3)).toDoubleVector());
        assertArrayEquals(new double[] {14, 15}, split.y().getRow(3).toDoubleVector());
        Split seq = w.sequenceToSequence("train");
        // At step 4 of the window starting at 9 (value 13), the next two values are 14 and 15.
        assertArrayEquals(new double[] {14, 15}, seq.y().get(NDArrayIndex.point(3), NDArrayIndex.point(4),
                NDArrayIndex.all()).toDoubleVector());
    }

    @Test
    void multivariateTargetsAreChosenFeaturesStepMajor() {
        // Feature j at step t holds 100 j + t.
        INDArray m = Nd4j.create(30, 3);
        for (int t = 0; t < 30; t++) {
            for (int j = 0; j < 3; j++) {
                m.putScalar(t, j, 100 * j + t);
            }
        }
        Split split = Windows.of(m).length(10).ahead(2).targets(2, 0).nextValues("train");
        assertArrayEquals(new long[] {19, 10, 3}, split.x().shape());
        assertArrayEquals(new long[] {19, 4}, split.y().shape());
        // Window 0 covers steps 0..9: next steps 10 and 11, targets feature 2 then feature 0.
        assertArrayEquals(new double[] {210, 10, 211, 11}, split.y().getRow(0).toDoubleVector());
        assertArrayEquals(new double[] {9, 109, 209}, split.x().get(NDArrayIndex.point(0), NDArrayIndex.point(9),
                NDArrayIndex.all()).toDoubleVector());
        Split seq = Windows.of(m).length(10).ahead(2).targets(1).sequenceToSequence("train");
        assertArrayEquals(new long[] {19, 10, 2}, seq.y().shape());
        assertArrayEquals(new double[] {104, 105}, seq.y().get(NDArrayIndex.point(0), NDArrayIndex.point(3),
                NDArrayIndex.all()).toDoubleVector());
    }

    @Test
    void shuffleIsSeededAndKeepsThePairs() {
        Windows w = Windows.of(plain()).length(8).ahead(1);
        Split a = w.shuffle(7).nextValues("train");
        Split b = w.shuffle(7).nextValues("train");
        Split plainOrder = w.nextValues("train");
        assertEquals(a.x(), b.x());
        assertNotEquals(plainOrder.x(), a.x());
        // Each shuffled window still ends just before its target: find it in the unshuffled windows.
        for (int i = 0; i < a.size(); i++) {
            INDArray x = a.x().get(NDArrayIndex.point(i));
            int match = -1;
            for (int k = 0; k < plainOrder.size(); k++) {
                if (plainOrder.x().get(NDArrayIndex.point(k)).equals(x)) {
                    match = k;
                }
            }
            assertTrue(match >= 0);
            assertEquals(plainOrder.y().getDouble(match, 0), a.y().getDouble(i, 0), 0);
        }
    }

    @Test
    void rowsAndDatesSelectPeriodsBeforeCutting() {
        LocalDate start = LocalDate.of(2019, 1, 1);
        DateColumn dates = DateColumn.create("date");
        DoubleColumn bus = DoubleColumn.create("bus");
        DoubleColumn rail = DoubleColumn.create("rail");
        for (int t = 0; t < 100; t++) {
            dates.append(start.plusDays(t));
            bus.append(t);
            rail.append(-t);
        }
        Table table = Table.create("ridership", dates, bus, rail);
        Windows w = Windows.of(table, "bus", "rail").length(7).ahead(1);
        assertEquals(2, w.features());
        Windows january = w.between(LocalDate.of(2019, 1, 1), LocalDate.of(2019, 2, 1));
        assertEquals(31, january.steps());
        Split valid = w.between(LocalDate.of(2019, 2, 1), LocalDate.of(2019, 3, 1)).nextValues("valid");
        // February starts at day 31: the first window is days 31..37, its target day 38 (bus 38, rail -38).
        assertEquals(31.0, valid.x().getDouble(0, 0, 0), 0);
        assertArrayEquals(new double[] {38, -38}, valid.y().getRow(0).toDoubleVector());
        assertEquals(w.rows(31, 59).nextValues("valid").x(), valid.x());
        Split fromColumn = Windows.of(bus).length(3).nextValues("train");
        assertArrayEquals(new double[] {3}, fromColumn.y().getRow(0).toDoubleVector());
    }

    @Test
    void batchesCoverTheSplit() {
        Split s = Windows.of(plain()).length(5).nextValues("train");
        List<Split> batches = s.batches(16);
        assertEquals(4, batches.size()); // 55 windows: 16 + 16 + 16 + 7
        assertEquals(7, batches.get(3).size());
        assertEquals(s.x().get(NDArrayIndex.interval(48, 55)), batches.get(3).x());
    }

    @Test
    void badSettingsFailClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> Windows.of(plain()).length(58).ahead(3)
                .nextValues("train"));
        assertTrue(e.getMessage().contains("too few"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Windows.of(plain()).targets(1));
        assertTrue(e.getMessage().contains("target feature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Windows.of(new double[] {1, Double.NaN, 3}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Windows.of(plain()).between(LocalDate.MIN,
                LocalDate.MAX));
        assertTrue(e.getMessage().contains("no dates"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Windows.of(Table.create("t",
                DoubleColumn.create("a", 1, 2)), "b"));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }
}
