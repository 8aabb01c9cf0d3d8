package io.github.seqbook.layers.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The per-gate views are contiguous and address the same values whichever way they are reached. */
class GatePlanesTest {
    @Test
    void blocksPlanesAndStepsAreViewsOfTheSameValues() {
        GatePlanes p = new GatePlanes(DataType.DOUBLE, 3, 4, 2, 5); // 3 gates, 4 steps, batch 2, 5 units
        p.all().assign(Nd4j.arange(120).castTo(DataType.DOUBLE).reshape(3, 40));
        for (int k = 0; k < 3; k++) {
            assertEquals(1, p.plane(k).elementWiseStride(), "plane " + k + " contiguous");
            assertArrayEquals(new long[] {8, 5}, p.plane(k).shape());
            for (int t = 0; t < 4; t++) {
                INDArray block = p.at(k, t);
                assertEquals(1, block.elementWiseStride(), "block " + k + "," + t + " contiguous");
                // gate k, step t, sample 1, unit 2
                assertEquals(k * 40 + t * 10 + 5 + 2, block.getDouble(1, 2), 0);
                assertEquals(block, p.plane(k).get(NDArrayIndex.interval(2 * t, 2 * t + 2), NDArrayIndex.all()));
                // the step view as the ops read it (ND4J's get(point) on this strided view throws, so read a copy)
                assertEquals(block, p.step(t).dup('c').get(NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all()));
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> p.step(4));
        assertArrayEquals(new long[] {3, 8, 5}, p.planes().shape());
        assertEquals(p.plane(2), p.planes().get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.all()));
    }

    @Test
    void byGateViewsARowBlockGateByGate() {
        INDArray rows = Nd4j.arange(24).castTo(DataType.DOUBLE).reshape(2, 12); // batch 2, 4 gates x 3 units
        INDArray g = GatePlanes.byGate(rows, 4);
        assertArrayEquals(new long[] {4, 2, 3}, g.shape());
        assertEquals(rows.getDouble(1, 7), g.getDouble(2, 1, 1), 0);
        g.putScalar(new long[] {3, 0, 2}, -1);
        assertEquals(-1, rows.getDouble(0, 11), 0, "a view, not a copy");
    }
}
