package io.github.seqbook.layers.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A gated layer's per-gate work array, {@code [gates, steps, batch, units]} in c order: gate {@code k} of step
 * {@code t} is one contiguous {@code [batch, units]} block and gate {@code k} of all steps one contiguous
 * {@code [steps * batch, units]} matrix.
 *
 * <p>Why not the gate blocks of a {@code [batch, gates * units]} row (the layout a matrix product writes): ND4J's
 * element-wise products take a slow path, one index computation per element, as soon as one operand is not
 * contiguous. Measured with replayed ops, one thread: {@code [32, 20]} products 2.7 µs strided against 0.96 µs
 * contiguous, {@code [32, 256]} 24 µs against 1.9 µs, {@code [1600, 20]} 94 µs against 5.5 µs. Activations
 * (sigmoid, tanh) and copies handle strides well, so the layers apply them while moving values between a product's
 * row layout and these planes ({@link #byGate}).
 */
final class GatePlanes {
    private final INDArray all;
    private final int gates;
    private final int steps;
    private final INDArray[] planes;
    private final INDArray[][] blocks;
    private final INDArray[] stepViews;

    /** A zero-filled array of {@code gates} planes of {@code steps} steps of {@code [batch, units]}. */
    GatePlanes(DataType type, int gates, int steps, int batch, int units) {
        this.gates = gates;
        this.steps = steps;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            all = Nd4j.create(type, gates, steps, batch, units);
        }
        planes = new INDArray[gates];
        blocks = new INDArray[gates][steps];
        stepViews = new INDArray[steps];
        for (int k = 0; k < gates; k++) {
            planes[k] = all.get(NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                    .reshape('c', (long) steps * batch, units);
        }
    }

    /** Every value, as one contiguous {@code [gates, steps * batch * units]} matrix. */
    INDArray all() {
        return all.reshape('c', gates, all.length() / gates);
    }

    /** Every plane, {@code [gates, steps * batch, units]}, contiguous (the shape {@link #byGate} gives a row matrix). */
    INDArray planes() {
        return all.reshape('c', gates, all.size(1) * all.size(2), all.size(3));
    }

    /** Gate {@code k} of all steps, {@code [steps * batch, units]}, contiguous. */
    INDArray plane(int k) {
        return planes[k];
    }

    /** Gate {@code k} of step {@code t}, {@code [batch, units]}, contiguous. */
    INDArray at(int k, int t) {
        INDArray v = blocks[k][t];
        if (v == null) {
            v = all.get(NDArrayIndex.point(k), NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            blocks[k][t] = v;
        }
        return v;
    }

    /** Every gate of step {@code t}, {@code [gates, batch, units]} (strided between gates). */
    INDArray step(int t) {
        if (t < 0 || t >= steps) {
            throw new IndexOutOfBoundsException("step " + t + " of " + steps);
        }
        INDArray v = stepViews[t];
        if (v == null) {
            v = all.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            stepViews[t] = v;
        }
        return v;
    }

    /**
     * A contiguous {@code [batch, gates * units]} row block (gate blocks side by side) as a {@code [gates, batch,
     * units]} view of the same memory, to read or write gate by gate in one op.
     */
    static INDArray byGate(INDArray rows, int gates) {
        long batch = rows.size(0);
        long units = rows.size(1) / gates;
        return rows.reshape('c', batch, gates, units).permute(1, 0, 2);
    }
}
