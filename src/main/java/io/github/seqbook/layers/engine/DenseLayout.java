package io.github.seqbook.layers.engine;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Arrays that fill their memory without gaps, in any order of axes: a c-order array seen through a permutation, as
 * the layers' time-major outputs ({@code [steps, batch, channels]} seen as {@code [batch, channels, steps]}). ND4J
 * runs element-wise ops between arrays of one such layout as a flat loop, and between different layouts through a
 * per-element offset computation (several times slower); these helpers let a vertex keep its inputs' layout.
 */
public final class DenseLayout {
    private DenseLayout() {
    }

    /**
     * True when {@code a}'s strides are those of a c-order array with its axes permuted, and every axis has more than
     * one element (the strides of a length-1 axis say nothing about the layout).
     */
    public static boolean isDense(INDArray a) {
        int[] order = axesByStride(a);
        long expected = 1;
        for (int k = order.length - 1; k >= 0; k--) {
            int axis = order[k];
            if (a.size(axis) < 2 || a.stride(axis) != expected) {
                return false;
            }
            expected *= a.size(axis);
        }
        return a.rank() > 0;
    }

    /** True when {@code a} is {@link #isDense dense} with its axes already from the largest stride to the smallest. */
    public static boolean isCOrdered(INDArray a) {
        int[] order = axesByStride(a);
        for (int k = 0; k < order.length; k++) {
            if (order[k] != k) {
                return false;
            }
        }
        return isDense(a);
    }

    /**
     * {@code a} seen with its axes from the largest stride to the smallest: a c-order contiguous view, on which ND4J's
     * element-wise ops run as flat loops. {@code a} must be {@link #isDense dense}; {@link #fromContiguous} undoes it.
     */
    public static INDArray contiguous(INDArray a) {
        return a.permute(axesByStride(a));
    }

    /** {@code c} (a {@link #contiguous} view of an array like {@code like}) seen with {@code like}'s axes again. */
    public static INDArray fromContiguous(INDArray c, INDArray like) {
        int[] order = axesByStride(like);
        int[] back = new int[order.length];
        for (int k = 0; k < order.length; k++) {
            back[order[k]] = k;
        }
        return c.permute(back);
    }

    /**
     * An uninitialised c-order array shaped like {@link #contiguous contiguous(like)}, from {@code mgr}'s workspace for
     * {@code type}.
     */
    public static INDArray createContiguousLike(LayerWorkspaceMgr mgr, ArrayType type, INDArray like) {
        return mgr.createUninitialized(type, like.dataType(), contiguous(like).shape(), 'c');
    }

    /**
     * {@code a} (dense) as a view whose in-place sum ({@code addi}) with an array of the same layout runs on contiguous
     * views ({@link DenseSumArray}): for dL/d input arrays, which DL4J's graph adds into when a vertex's output feeds
     * several vertices. Returns {@code a} itself when it is not dense or the backend is not the CPU's.
     */
    public static INDArray summable(INDArray a) {
        return DenseSumArray.of(a);
    }

    /** The axes of {@code a} from the largest stride to the smallest. */
    private static int[] axesByStride(INDArray a) {
        long[] stride = a.stride();
        return java.util.stream.IntStream.range(0, stride.length).boxed()
                .sorted((i, j) -> Long.compare(stride[j], stride[i])).mapToInt(Integer::intValue).toArray();
    }
}
