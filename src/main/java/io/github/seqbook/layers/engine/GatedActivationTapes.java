package io.github.seqbook.layers.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The forward and backward passes of WaveNet's gated activation unit ({@code io.github.seqbook.layers.GatedActivationUnit})
 * for one batch shape, recorded on {@link OpTape}s: {@code out = f(a) * sigmoid(b)} over the two channel halves
 * {@code a}, {@code b} of an NCW input {@code [batch, 2n, steps]}, {@code f = tanh} or, as the book's code,
 * {@code tanh(tanh(.))}. Work arrays are time-major ({@code [steps * batch, channels]}), so an input that is a
 * time-major array seen as NCW (what {@code CausalConv1D} returns) is read in place. Forward: 4 ops (5 with
 * tanh twice); backward: 9 (12); plus a copy of the input or of dL/d output when they are not time-major. DL4J's
 * arrays (input, output, dL/d output, dL/d input) are rebound per pass.
 */
public final class GatedActivationTapes implements AutoCloseable {
    private final long batch;
    private final long steps;
    private final long n;
    private final OpTape forward;
    private final OpTape backward;
    private final INDArray xBuffer;
    private final INDArray eBuffer;
    /** Calls reading the first half {@code a} and the second half {@code b} of the input. */
    private final int readA;
    private final int readB;
    /** Calls reading dL/d output (input 0 of each). */
    private final int[] readE;
    /** The call writing dL/d input (both halves). */
    private final int writeDx;
    private final int forwardOut;
    /** DL4J's arrays of the last pass each way ({@link Binding}). */
    private final Binding forwardBinding = new Binding();
    private final Binding backwardBinding = new Binding();

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
            xBuffer = x;
            INDArray t1 = Nd4j.create(type, rows, n);
            INDArray t = tanhTwice ? Nd4j.create(type, rows, n) : t1;
            INDArray s = Nd4j.create(type, rows, n);
            INDArray y = Nd4j.create(type, rows, n);

            forward = new OpTape(type);
            // op 0: the input into the time-major buffer, when it is not time-major already
            forward.copy(Nd4j.create(type, batch, 2 * n, steps).permute(2, 0, 1), x.reshape('c', steps, batch, 2 * n));
            forward.tanh(columns(x, 0, n), t1);
            readA = forward.size() - 1;
            if (tanhTwice) {
                forward.tanh(t1, t);
            }
            forward.sigmoid(columns(x, n, 2 * n), s);
            readB = forward.size() - 1;
            forwardOut = forward.size();
            forward.mul(t, s, y); // rebound to the output array every pass

            INDArray e = Nd4j.create(type, rows, n);
            eBuffer = e;
            INDArray d = Nd4j.create(type, rows, n);
            INDArray w = Nd4j.create(type, rows, n);
            INDArray dx = Nd4j.create(type, rows, 2 * n); // stand-in for DL4J's dL/d input
            backward = new OpTape(type);
            // op 0: dL/d output into its buffer, when it is not time-major already
            backward.copy(Nd4j.create(type, batch, n, steps).permute(2, 0, 1), e.reshape('c', steps, batch, n));
            // dL/da = e * s * f'(a): tanh' = 1 - tanh², twice: (1 - t²)(1 - t1²)
            backward.oneMinusSquare(t1, d);
            if (tanhTwice) {
                backward.oneMinusSquare(t, w);
                backward.mul(d, w, d);
            }
            // both halves of dL/d input computed contiguous, then copied into DL4J's array in one op: a product
            // writing strided columns takes ND4J's slow path (measured 360 us against 22 us for [1600, 32])
            INDArray halves = Nd4j.create(type, 2, rows, n);
            backward.mul(e, s, w);
            int e1 = backward.size() - 1;
            backward.mul(w, d, halves.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()));
            // dL/db = e * t * s (1 - s)
            backward.timesOneMinus(s, d);
            backward.mul(e, t, w);
            readE = new int[] {e1, backward.size() - 1};
            backward.mul(w, d, halves.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all()));
            backward.copy(halves, GatePlanes.byGate(dx, 2));
            writeDx = backward.size() - 1;
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
     * from {@code x} ({@code [batch, 2n, steps]}, any strides); keeps what the backward pass needs. A time-major input
     * (what {@code CausalConv1D} returns) is read in place, anything else copied first.
     */
    public void forward(INDArray x, INDArray out) {
        if (forwardBinding.unchanged(x, out)) {
            forward.run(forwardBinding.firstOp());
            return;
        }
        INDArray tm = x.permute(2, 0, 1);
        INDArray m = StepArray.matrixOf(tm);
        if (m == null) {
            forward.rebindInput(0, 0, tm);
            m = xBuffer;
        }
        forward.rebindInput(readA, 0, columns(m, 0, n));
        forward.rebindInput(readB, 0, columns(m, n, 2 * n));
        forward.rebindOutput(forwardOut, out.reshape('c', steps * batch, n));
        forwardBinding.bound(m == xBuffer ? 0 : 1);
        forward.run(forwardBinding.firstOp());
    }

    /**
     * dL/d input into {@code eps} ({@code [steps, batch, 2n]}, c order) from dL/d output {@code epsilon}
     * ({@code [batch, n, steps]}), for the input of the last {@link #forward}.
     */
    public void backward(INDArray epsilon, INDArray eps) {
        if (backwardBinding.unchanged(epsilon, eps)) {
            backward.run(backwardBinding.firstOp());
            return;
        }
        INDArray tm = epsilon.permute(2, 0, 1);
        INDArray m = StepArray.matrixOf(tm);
        if (m == null) {
            backward.rebindInput(0, 0, tm);
            m = eBuffer;
        }
        for (int call : readE) {
            backward.rebindInput(call, 0, m);
        }
        INDArray dx = eps.reshape('c', steps * batch, 2 * n);
        backward.rebindOutput(writeDx, GatePlanes.byGate(dx, 2));
        backwardBinding.bound(m == eBuffer ? 0 : 1);
        backward.run(backwardBinding.firstOp());
    }

    @Override
    public void close() {
        forward.close();
        backward.close();
    }
}
