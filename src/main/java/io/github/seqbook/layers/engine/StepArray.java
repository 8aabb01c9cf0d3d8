package io.github.seqbook.layers.engine;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A work array of a recurrent layer, laid out time-major as {@code [steps, batch, width]} in c order, so that
 * every step is one contiguous {@code [batch, width]} block (what {@code Nd4j.gemm} needs for its output) and all
 * steps together are one {@code [steps * batch, width]} matrix (for the products that do not depend on time).
 *
 * <p>It lives outside DL4J's workspaces and the layer keeps it while the batch shape stays the same; its views
 * are created once and cached, because at the chapter's sizes (20 units) creating a view costs as much as a
 * small ND4J op.
 */
final class StepArray {
    private final INDArray all;
    private final INDArray rows;
    private final int batch;
    private final int width;
    private final INDArray[] steps;
    private final Map<Long, INDArray[]> stepColumns = new HashMap<>();
    private final Map<Long, INDArray> columns = new HashMap<>();

    /**
     * A time-major array {@code tm} ({@code [t, b, c]}, e.g. DL4J's NCW array of a layer that works time-major) as a
     * {@code [t * b, c]} matrix view of the same memory when its elements lie in c order without gaps, else null.
     */
    static INDArray matrixOf(INDArray tm) {
        if (!isDense(tm)) {
            return null;
        }
        return Nd4j.create(tm.data(), new long[] {tm.size(0) * tm.size(1), tm.size(2)}, new long[] {tm.size(2), 1},
                tm.offset(), 'c', tm.dataType());
    }

    /** True when the elements of {@code tm} ({@code [t, b, c]}) lie in c order without gaps (a time-major array). */
    static boolean isDense(INDArray tm) {
        long expected = 1;
        for (int d = 2; d >= 0; d--) {
            if (tm.size(d) != 1 && tm.stride(d) != expected) {
                return false;
            }
            expected *= tm.size(d);
        }
        return true;
    }

    /**
     * {@code input} for DL4J's dropout, which draws its mask in the array's memory order: copied to DL4J's f order
     * (in {@code mgr}'s input workspace) when its time-major view {@code timeMajor} is dense, as the library's layers
     * hand over their outputs, so that a seed draws the mask it draws after DL4J's recurrent layers; else
     * {@code input} itself.
     */
    static INDArray forDl4jDropout(INDArray input, INDArray timeMajor, LayerWorkspaceMgr mgr) {
        return isDense(timeMajor) ? mgr.dup(ArrayType.INPUT, input, 'f') : input;
    }

    /**
     * {@code buffer} when it has {@code type}, {@code order} and {@code shape}, else a new uninitialised one outside
     * DL4J's workspaces: a layer's work array, kept from batch to batch while the shape stays.
     */
    static INDArray reuse(INDArray buffer, DataType type, char order, long... shape) {
        if (buffer != null && buffer.dataType() == type && buffer.ordering() == order
                && java.util.Arrays.equals(buffer.shape(), shape)) {
            return buffer;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.createUninitialized(type, shape, order);
        }
    }

    /** A zero-filled array of {@code count} steps of {@code [batch, width]}. */
    StepArray(DataType type, int count, int batch, int width) {
        this.batch = batch;
        this.width = width;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            all = Nd4j.create(type, count, batch, width);
        }
        rows = all.reshape('c', (long) count * batch, width);
        steps = new INDArray[count];
    }

    /** The whole array, {@code [steps, batch, width]}. */
    INDArray all() {
        return all;
    }

    /** All steps as one matrix, {@code [steps * batch, width]}. */
    INDArray rows() {
        return rows;
    }

    /** Steps {@code from} (inclusive) to {@code to} (exclusive) as one contiguous matrix. */
    INDArray rows(int from, int to) {
        return rows.get(NDArrayIndex.interval((long) from * batch, (long) to * batch), NDArrayIndex.all());
    }

    /** Step {@code t}, {@code [batch, width]}, contiguous. */
    INDArray step(int t) {
        INDArray v = steps[t];
        if (v == null) {
            v = all.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            steps[t] = v;
        }
        return v;
    }

    /** Columns {@code from} to {@code to} (exclusive) of step {@code t}: {@code [batch, to - from]}, strided. */
    INDArray step(int t, int from, int to) {
        INDArray[] views = stepColumns.computeIfAbsent(key(from, to), k -> new INDArray[steps.length]);
        INDArray v = views[t];
        if (v == null) {
            v = step(t).get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
            views[t] = v;
        }
        return v;
    }

    /** Columns {@code from} to {@code to} (exclusive) of all steps: {@code [steps * batch, to - from]}, strided. */
    INDArray columns(int from, int to) {
        return columns.computeIfAbsent(key(from, to), k -> rows.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)));
    }

    private long key(int from, int to) {
        if (from < 0 || to > width || from >= to) {
            throw new IndexOutOfBoundsException("columns [" + from + ", " + to + ") of width " + width);
        }
        return ((long) from << 32) | to;
    }
}
