package io.github.seqbook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SequenceLayoutTest {
    /** [2 batch, 3 steps, 4 features] holding 100 b + 10 t + f, so every element names its place. */
    static INDArray nwc() {
        INDArray a = Nd4j.create(DataType.DOUBLE, 2, 3, 4);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                for (int f = 0; f < 4; f++) {
                    a.putScalar(new long[] {b, t, f}, 100 * b + 10 * t + f);
                }
            }
        }
        return a;
    }

    @Test
    void everyLayoutHoldsTheSameElementsInItsOrder() {
        INDArray nwc = nwc();
        INDArray ncw = SequenceLayout.nwcToNcw(nwc);
        assertArrayEquals(new long[] {2, 4, 3}, ncw.shape());
        assertEquals(DataType.DOUBLE, ncw.dataType());
        assertEquals('c', ncw.ordering());
        INDArray timeMajorFromNcw = SequenceLayout.toTimeMajor(ncw, RNNFormat.NCW);
        INDArray timeMajorFromNwc = SequenceLayout.toTimeMajor(nwc, RNNFormat.NWC);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                for (int f = 0; f < 4; f++) {
                    double v = 100 * b + 10 * t + f;
                    assertEquals(v, ncw.getDouble(b, f, t));
                    assertEquals(v, timeMajorFromNcw.getDouble(t, b, f));
                    assertEquals(v, timeMajorFromNwc.getDouble(t, b, f));
                }
            }
        }
        assertEquals(nwc, SequenceLayout.ncwToNwc(ncw));
        assertEquals(ncw, SequenceLayout.fromTimeMajor(timeMajorFromNcw, RNNFormat.NCW));
        assertEquals(nwc, SequenceLayout.fromTimeMajor(timeMajorFromNwc, RNNFormat.NWC));
        assertThrows(IllegalArgumentException.class, () -> SequenceLayout.nwcToNcw(Nd4j.zeros(2, 3)));
    }
}
