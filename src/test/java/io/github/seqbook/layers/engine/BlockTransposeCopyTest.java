package io.github.seqbook.layers.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.github.seqbook.SequenceLayout;

/** The block copy gives exactly what ND4J's assign gives, for the layout conversions the layers make. */
class BlockTransposeCopyTest {
    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private static void assertCopiesLikeAssign(INDArray src, INDArray dst, boolean blocks) {
        INDArray expected = dst.dup(dst.ordering());
        expected.assign(src);
        dst.assign(Float.NaN);
        if (blocks) {
            assertTrue(BlockTransposeCopy.tryBlocks(src, dst), "copied block by block");
        } else {
            assertFalse(BlockTransposeCopy.tryBlocks(src, dst), "left to ND4J");
            BlockTransposeCopy.copy(src, dst);
        }
        assertArrayEquals(values(expected), values(dst));
        assertArrayEquals(values(src), values(dst));
    }

    @Test
    void timeMajorToAndFromDl4jSequencesBothFormats() {
        for (long[] s : new long[][] {{32, 32, 56}, {3, 5, 7}, {32, 20, 50}, {2, 64, 3}}) {
            long b = s[0], u = s[1], t = s[2];
            for (RNNFormat format : RNNFormat.values()) {
                long[] dl4jShape = format == RNNFormat.NCW ? new long[] {b, u, t} : new long[] {b, t, u};
                // DL4J's activations: f order; the layers' state: [steps + 1, batch, units], c order, step 0 initial
                INDArray dl4j = Nd4j.rand(DataType.FLOAT, dl4jShape).dup('f');
                INDArray h = Nd4j.rand(DataType.FLOAT, t + 1, b, u);
                INDArray steps = h.get(NDArrayIndex.interval(1, t + 1), NDArrayIndex.all(), NDArrayIndex.all());
                boolean transposes = format == RNNFormat.NCW; // NWC's f-order [b, t, u] is [u, t, b]: no step blocks
                assertCopiesLikeAssign(SequenceLayout.fromTimeMajor(steps, format), dl4j, transposes);
                assertCopiesLikeAssign(SequenceLayout.toTimeMajor(Nd4j.rand(DataType.FLOAT, dl4jShape).dup('f'), format),
                        steps, transposes);
            }
        }
    }

    @Test
    void arraysInAWorkspaceAndOffsetViews() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(10 << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "BlockTransposeCopyTest")) {
            Nd4j.create(DataType.FLOAT, 17); // the arrays below start at an offset into the workspace
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {4, 6, 9}, 'f');
            INDArray h = Nd4j.rand(DataType.FLOAT, 10, 4, 6);
            assertCopiesLikeAssign(h.get(NDArrayIndex.interval(1, 10), NDArrayIndex.all(), NDArrayIndex.all())
                    .permute(1, 2, 0), out, true);
        }
    }

    @Test
    void otherCasesGoToNd4j() {
        INDArray c = Nd4j.rand(DataType.FLOAT, 4, 5, 6);
        assertCopiesLikeAssign(c, Nd4j.create(DataType.FLOAT, 4, 5, 6), false); // same layout
        assertCopiesLikeAssign(c.permute(2, 0, 1), Nd4j.create(DataType.FLOAT, 6, 4, 5), false); // no 2-d blocks
        INDArray d = Nd4j.rand(DataType.DOUBLE, 6, 4, 5).permute(1, 2, 0);
        INDArray dd = Nd4j.create(DataType.DOUBLE, new long[] {4, 5, 6}, 'f');
        assertFalse(BlockTransposeCopy.tryBlocks(d, dd), "doubles go to ND4J");
        assertSame(dd, BlockTransposeCopy.copy(d, dd));
        assertArrayEquals(d.dup('c').data().asDouble(), dd.dup('c').data().asDouble());
        INDArray one = Nd4j.rand(DataType.FLOAT, 5, 1, 3); // a size-1 dimension
        assertCopiesLikeAssign(one.permute(1, 2, 0), Nd4j.create(DataType.FLOAT, new long[] {1, 3, 5}, 'f'), false);
    }
}
