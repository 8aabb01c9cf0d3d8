package io.github.seqbook.layers.engine;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between a time-major array and a DL4J sequence array, {@code dst.assign(src)} for rank-3 float arrays of
 * the same shape, step block by step block: each index of one dimension (time, for the layers' layout conversions)
 * is a contiguous 2-d block in both arrays, row-major in one and column-major in the other, e.g. a c-order
 * {@code [steps, batch, units]} array seen as {@code [batch, units, steps]} and DL4J's f-order
 * {@code [batch, units, steps]} array.
 *
 * <p>Why: ND4J's assign computes an offset per element for such strides and is slow at power-of-two sizes (measured
 * for 56 steps of {@code [32, 32]}: 190 us against 40-65 us here; {@code [32, 64]}: 340 us; {@code [32, 20]}: 25 us
 * either way). Here each block is read in bulk, transposed in a Java array and written in bulk. A copy moves values
 * without arithmetic, so the result is the same as ND4J's bit for bit. Any other case (other ranks, types, strides,
 * a backend other than the CPU's) goes to ND4J's {@code assign}.
 */
final class BlockTransposeCopy {
    private BlockTransposeCopy() {
    }

    /** Two blocks' worth of floats per thread, kept ({@link ThreadWorkArrays} says why). */
    private static final ThreadWorkArrays WORK = new ThreadWorkArrays(2);

    /** {@code dst = src} (same shape); returns {@code dst}. */
    static INDArray copy(INDArray src, INDArray dst) {
        if (!tryBlocks(src, dst)) {
            dst.assign(src);
        }
        return dst;
    }

    /**
     * {@code dst = src} for 2-d arrays of one shape, e.g. an f-order matrix into a c-order one (one block), through
     * {@link #copy}; returns {@code dst}.
     */
    static INDArray copy2d(INDArray src, INDArray dst) {
        if (src.rank() == 2 && dst.rank() == 2 && tryBlocks(asBlock(src), asBlock(dst))) {
            return dst;
        }
        dst.assign(src);
        return dst;
    }

    /** A matrix as the one block of a {@code [1, rows, columns]} view. */
    private static INDArray asBlock(INDArray m) {
        return Nd4j.create(m.data(), new long[] {1, m.size(0), m.size(1)},
                new long[] {m.length(), m.stride(0), m.stride(1)}, m.offset(), m.ordering(), m.dataType());
    }

    /** The layout of one rank-3 array with respect to an outer dimension, or null if its blocks are not contiguous. */
    private record Blocks(long stride, boolean rowMajor) {
    }

    /** Copies block by block and answers true, or answers false (nothing copied) when the arrays do not qualify. */
    static boolean tryBlocks(INDArray src, INDArray dst) {
        if (!DirectCpuCalls.AVAILABLE || src.rank() != 3 || dst.rank() != 3 || src.dataType() != DataType.FLOAT
                || dst.dataType() != DataType.FLOAT || !java.util.Arrays.equals(src.shape(), dst.shape())
                || src.length() > Integer.MAX_VALUE || src.data() == dst.data()) {
            return false;
        }
        long[] shape = src.shape();
        for (int outer = 0; outer < 3; outer++) {
            int p = outer == 0 ? 1 : 0;
            int q = outer == 2 ? 1 : 2;
            Blocks s = blocks(src, outer, p, q);
            Blocks d = blocks(dst, outer, p, q);
            if (s != null && d != null && s.rowMajor != d.rowMajor) {
                transposeBlocks(src, s, dst, d, (int) shape[outer], (int) shape[p], (int) shape[q]);
                return true;
            }
        }
        return false;
    }

    private static Blocks blocks(INDArray a, int outer, int p, int q) {
        long np = a.size(p);
        long nq = a.size(q);
        if (np < 2 || nq < 2) {
            return null; // strides of size-1 dimensions are arbitrary: leave such shapes to ND4J
        }
        long sp = a.stride(p);
        long sq = a.stride(q);
        long so = a.size(outer) > 1 ? a.stride(outer) : np * nq;
        if (so < np * nq && a.size(outer) > 1) {
            return null; // blocks overlap or interleave
        }
        if (sp == nq && sq == 1) {
            return new Blocks(so, true);
        }
        if (sp == 1 && sq == np) {
            return new Blocks(so, false);
        }
        return null;
    }

    private static void transposeBlocks(INDArray src, Blocks s, INDArray dst, Blocks d, int outer, int np, int nq) {
        FloatBuffer in = floats(src);
        FloatBuffer out = floats(dst);
        int n = np * nq;
        float[] a = WORK.floats(0, n);
        float[] b = WORK.floats(1, n);
        // a holds a block in the source's order; b receives it in the destination's order
        int rows = s.rowMajor ? np : nq;
        int cols = s.rowMajor ? nq : np;
        for (int k = 0; k < outer; k++) {
            in.get((int) (src.offset() + k * s.stride), a, 0, n);
            for (int i = 0; i < rows; i++) {
                int from = i * cols;
                for (int j = 0; j < cols; j++) {
                    b[j * rows + i] = a[from + j];
                }
            }
            out.put((int) (dst.offset() + k * d.stride), b, 0, n);
        }
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
