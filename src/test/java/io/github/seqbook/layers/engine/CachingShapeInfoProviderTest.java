package io.github.seqbook.layers.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shape buffers come from the cache on ND4J's CPU backend, shared per shape, and arrays compute as before. */
class CachingShapeInfoProviderTest {
    @Test
    void installedInPlaceOfTheCpuBackendsProvider() {
        assertTrue(CachingShapeInfoProvider.install());
        assertInstanceOf(CachingShapeInfoProvider.class, Nd4j.getShapeInfoProvider());
        assertTrue(CachingShapeInfoProvider.install(), "installing twice keeps it");
    }

    @Test
    void arraysOfOneShapeShareABufferAndOthersDoNot() {
        CachingShapeInfoProvider.install();
        INDArray a = Nd4j.create(DataType.FLOAT, 3, 4);
        INDArray b = Nd4j.create(DataType.FLOAT, 3, 4);
        assertSame(a.shapeInfoDataBuffer(), b.shapeInfoDataBuffer());
        assertNotSame(a.shapeInfoDataBuffer(), Nd4j.create(DataType.FLOAT, 4, 3).shapeInfoDataBuffer());
        assertNotSame(a.shapeInfoDataBuffer(), Nd4j.create(DataType.DOUBLE, 3, 4).shapeInfoDataBuffer());
        assertNotSame(a.shapeInfoDataBuffer(), a.transpose().shapeInfoDataBuffer());
        // views and ops on arrays sharing buffers: the usual results
        INDArray x = Nd4j.arange(12).castTo(DataType.FLOAT).reshape(3, 4);
        INDArray y = Nd4j.ones(DataType.FLOAT, 3, 4);
        assertArrayEquals(new float[] {1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12},
                x.add(y).transpose().dup('c').data().asFloat());
        assertEquals(66.0, x.sumNumber().doubleValue(), 0);
        assertArrayEquals(new long[] {4, 3}, x.transpose().shape());
    }

    @Test
    void eachCallerGetsItsOwnJavaShapeArray() {
        CachingShapeInfoProvider p = new CachingShapeInfoProvider();
        Pair<DataBuffer, long[]> first = p.createShapeInformation(new long[] {2, 5}, new long[] {5, 1}, 1, 'c',
                DataType.FLOAT, false);
        first.getSecond()[1] = 99; // a caller changing its copy
        Pair<DataBuffer, long[]> second = p.createShapeInformation(new long[] {2, 5}, new long[] {5, 1}, 1, 'c',
                DataType.FLOAT, false);
        assertSame(first.getFirst(), second.getFirst());
        assertEquals(2, second.getSecond()[1], "rank-2 shape info starts [rank, 2, 5, ...]");
        assertEquals(1, p.size());
        p.purgeCache();
        assertEquals(0, p.size());
    }
}
