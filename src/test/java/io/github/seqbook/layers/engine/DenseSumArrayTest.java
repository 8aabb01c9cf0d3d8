package io.github.seqbook.layers.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The in-place sum DL4J's graph makes with dL/d input arrays gives ND4J's values, whatever path it takes. */
class DenseSumArrayTest {
    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    /** A time-major [steps, batch, channels] array seen as [batch, channels, steps], random values. */
    private static INDArray timeMajor(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, 50, 32, 16).subi(0.5).permute(1, 2, 0);
    }

    @Test
    void sumsWithTheSameLayoutEqualNd4jsBitForBit() {
        INDArray a = timeMajor(1);
        INDArray b = timeMajor(2);
        INDArray expected = a.dup('c').addi(b.dup('c'));
        INDArray sum = DenseLayout.summable(a.dup('c').permute(2, 0, 1).dup('c').permute(1, 2, 0));
        assertInstanceOf(DenseSumArray.class, sum);
        assertSame(sum, sum.addi(b));
        assertArrayEquals(values(expected), values(sum));
        assertArrayEquals(values(expected), values(a.addi(b)), "ND4J's own path, for comparison");
    }

    @Test
    void otherLayoutsAndOperationsAreNd4js() {
        INDArray a = DenseLayout.summable(timeMajor(3));
        INDArray cOrder = timeMajor(4).dup('c');
        INDArray expected = a.dup('c').addi(cOrder);
        assertArrayEquals(values(expected), values(a.addi(cOrder)), "mixed layouts");
        INDArray f = DenseLayout.summable(timeMajor(5));
        INDArray into = Nd4j.create(DataType.FLOAT, f.shape());
        f.addi(timeMajor(6), into);
        assertArrayEquals(values(f.dup('c').addi(timeMajor(6).dup('c'))), values(into), "sum into another array");
        assertArrayEquals(values(f.dup('c').muli(2)), values(f.mul(2)), "other operations");
        INDArray strided = Nd4j.rand(DataType.FLOAT, 4, 10).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5));
        assertSame(strided, DenseLayout.summable(strided), "not dense: unchanged");
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 4, 10);
        assertSame(matrix, DenseLayout.summable(matrix), "c-ordered: ND4J's own sum is flat already");
    }
}
