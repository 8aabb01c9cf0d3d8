package io.github.seqbook.layers.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward and backward passes of WaveNet's gated activation unit ({@code io.github.seqbook.layers.GatedActivationUnit})
 * for one batch shape, recorded on {@link OpTape}s: {@code out = f(a) * sigmoid(b)} over the two channel halves
 * {@code a}, {@code b} of an NCW input {@code [batch, 2n, steps]}, {@code f = tanh} or, as the book's code,
 * {@code tanh(tanh(.))}. Work arrays are time-major ({@code [steps * batch, channels]}), so an input that is a
 * time-major array seen as NCW (what {@code CausalConv1D} returns) is copied in contiguously. Forward: 5 ops
 * (6 with tanh twice); backward: 10 (13). Only the input, dL/d output and the two results are rebound per pass.
 */
public final class GatedActivationTapes implements AutoCloseable {
    private final long batch;
    private final long steps;
    private final long n;
    private final OpTape forward;
    private final OpTape backward;
    private final int forwardOut;
    private final int backwardOut;

    /**
     * Records the passes for inputs {@code [batch, 2n, steps]}.
     *
     * @param tanhTwice true for the book code's {@code tanh(tanh(a)) * sigmoid(b)}
     */
    public GatedActivationTapes(DataType type, long batch, long n, long steps, boolean tanhTwice) {
        this.batch = batch;
        this.steps = steps;
        this.n = n;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            long rows = batch * steps;
            INDArray x = Nd4j.create(type, rows, 2 * n);
            INDArray a = columns(x, 0, n);
            INDArray b = columns(x, n, 2 * n);
            INDArray t1 = Nd4j.create(type, rows, n);
            INDArray t = tanhTwice ? Nd4j.create(type, rows, n) : t1;
            INDArray s = Nd4j.create(type, rows, n);
            INDArray y = Nd4j.create(type, rows, n);

            forward = new OpTape(type);
            forward.scale(Nd4j.create(type, batch, 2 * n, steps).permute(2, 0, 1), 1.0, x.reshape('c', steps, batch, 2 * n));
            forward.tanh(a, t1);
            if (tanhTwice) {
                forward.tanh(t1, t);
            }
            forward.sigmoid(b, s);
            forwardOut = forward.size();
            forward.mul(t, s, y); // rebound to the output array every pass

            INDArray e = Nd4j.create(type, rows, n);
            INDArray d = Nd4j.create(type, rows, n);
            INDArray w = Nd4j.create(type, rows, n);
            INDArray dx = Nd4j.create(type, rows, 2 * n);
            backward = new OpTape(type);
            backward.scale(Nd4j.create(type, batch, n, steps).permute(2, 0, 1), 1.0, e.reshape('c', steps, batch, n));
            // dL/da = e * s * f'(a): tanh' = 1 - tanh², twice: (1 - t²)(1 - t1²)
            backward.oneMinusSquare(t1, d);
            if (tanhTwice) {
                backward.oneMinusSquare(t, w);
                backward.mul(d, w, d);
            }
            backward.mul(e, s, w);
            backward.mul(w, d, columns(dx, 0, n));
            // dL/db = e * t * s (1 - s)
            backward.timesOneMinus(s, d);
            backward.mul(e, t, w);
            backward.mul(w, d, columns(dx, n, 2 * n));
            backwardOut = backward.size();
            backward.scale(dx, 1.0, Nd4j.create(type, rows, 2 * n)); // rebound to dL/d input every pass
        }
    }

    /** Columns {@code [from, to)} of a c-order {@code [rows, k]} matrix, as a strided view. */
    private static INDArray columns(INDArray m, long from, long to) {
        return Nd4j.create(m.data(), new long[] {m.size(0), to - from}, new long[] {m.size(1), 1},
                m.offset() + from, 'c', m.dataType());
    }

    /** True when these tapes are for inputs of shape {@code [batch, 2n, steps]}. */
    public boolean fits(long batch, long n, long steps) {
        return this.batch == batch && this.n == n && this.steps == steps;
    }

    /**
     * The output into {@code out} ({@code [steps, batch, n]}, c order; the caller returns {@code out.permute(1, 2, 0)})
     * from {@code x} ({@code [batch, 2n, steps]}, any strides); keeps what the backward pass needs.
     */
    public void forward(INDArray x, INDArray out) {
        forward.rebindInput(0, 0, x.permute(2, 0, 1));
        forward.rebindOutput(forwardOut, out.reshape('c', steps * batch, n));
        forward.run();
    }

    /**
     * dL/d input into {@code eps} ({@code [steps, batch, 2n]}, c order) from dL/d output {@code epsilon}
     * ({@code [batch, n, steps]}), for the input of the last {@link #forward}.
     */
    public void backward(INDArray epsilon, INDArray eps) {
        backward.rebindInput(0, 0, epsilon.permute(2, 0, 1));
        backward.rebindOutput(backwardOut, eps.reshape('c', steps * batch, 2 * n));
        backward.run();
    }

    @Override
    public void close() {
        forward.close();
        backward.close();
    }
}
