package io.github.seqbook.layers.engine;

import java.util.List;
import java.util.Map;

import io.github.seqbook.layers.KerasLstm;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network-side {@link KerasLstm}: Keras' LSTM, time-major, hand-written backward pass. Gate columns are in
 * Keras' order: i {@code [0, u)}, f {@code [u, 2u)}, g (the candidate, Keras' "c") {@code [2u, 3u)}, o {@code [3u, 4u)}.
 */
public final class KerasLstmImpl extends TimeMajorRnnImpl<KerasLstm> {
    /** Gate pre-activations per step, {@code [steps, batch, 4u]}: x·W + b, then + h·RW. */
    private StepArray pre;
    /** Gate activations per step, {@code [steps, batch, 4u]}: sigmoid(i, f, o), tanh(g). */
    private StepArray gates;
    /** Cell states, {@code [steps + 1, batch, u]}: the initial state, then the state after each step. */
    private StepArray cells;
    /** tanh of the new cell state per step, {@code [steps, batch, u]}. */
    private StepArray cellTanh;
    /**
     * Backward, {@code [steps, batch, 4u]}: what dL/dc' (columns i, f, g) or dL/dh' (column o) is multiplied by to
     * give dL/d(gate pre-activation): {@code g σ'(i)}, {@code c σ'(f)}, {@code i tanh'(g)}, {@code tanh(c') σ'(o)}.
     */
    private StepArray factors;
    /** Backward, {@code [steps, batch, u]}: {@code o ⊙ tanh'(c')}, turning dL/dh' into its share of dL/dc'. */
    private StepArray outToCell;
    /** Backward, {@code [steps, batch, 4u]}: dL/d(gate pre-activations), contiguous for the weight products. */
    private StepArray gateGrads;

    public KerasLstmImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected List<String> extraStateKeys() {
        return List.of(KerasLstm.CELL_STATE_KEY);
    }

    @Override
    protected StepArray extraState(String key) {
        if (!KerasLstm.CELL_STATE_KEY.equals(key)) {
            throw new IllegalArgumentException("no state " + key);
        }
        return cells;
    }

    @Override
    protected void allocateForward(DataType type, int batch, int steps) {
        int u = units();
        pre = new StepArray(type, steps, batch, 4 * u);
        gates = new StepArray(type, steps, batch, 4 * u);
        cells = new StepArray(type, steps + 1, batch, u);
        cellTanh = new StepArray(type, steps, batch, u);
    }

    @Override
    protected void allocateBackward(DataType type, int batch, int steps) {
        int u = units();
        factors = new StepArray(type, steps, batch, 4 * u);
        outToCell = new StepArray(type, steps, batch, u);
        gateGrads = new StepArray(type, steps, batch, 4 * u);
    }

    @Override
    protected void recordForward(OpTape ops, Map<String, INDArray> params, int steps, KerasDropout dropout) {
        int u = units();
        int n = Math.toIntExact(h.step(0).size(0));
        INDArray rw = params.get(KerasLstm.RECURRENT_KERNEL);
        INDArray inputGate = ops.scratch("i*g", n, u);
        dropout.recordKernels(ops, params.get(KerasLstm.KERNEL), rw);
        // Input side of every gate for all steps in one product (with dropout: of each gate's masked inputs).
        dropout.recordInputProduct(ops, x, params.get(KerasLstm.KERNEL), pre.rows());
        ops.add(pre.rows(), params.get(KerasLstm.BIAS), pre.rows());
        for (int t = 0; t < steps; t++) {
            dropout.recordRecurrentProduct(ops, h, t, rw, pre.step(t));
            // Sigmoid over all four blocks in one op, then the candidate block again with tanh.
            ops.sigmoid(pre.step(t), gates.step(t));
            ops.tanh(pre.step(t, 2 * u, 3 * u), gates.step(t, 2 * u, 3 * u));
            // c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')
            ops.mul(gates.step(t, u, 2 * u), cells.step(t), cells.step(t + 1));
            ops.mul(gates.step(t, 0, u), gates.step(t, 2 * u, 3 * u), inputGate);
            ops.add(cells.step(t + 1), inputGate, cells.step(t + 1));
            ops.tanh(cells.step(t + 1), cellTanh.step(t));
            ops.mul(gates.step(t, 3 * u, 4 * u), cellTanh.step(t), h.step(t + 1));
        }
    }

    @Override
    protected void recordBackward(OpTape ops, Map<String, INDArray> params, Map<String, INDArray> grads, int steps,
                                  KerasDropout dropout) {
        int u = units();
        int n = Math.toIntExact(h.step(0).size(0));
        INDArray rw = params.get(KerasLstm.RECURRENT_KERNEL);
        // Everything that does not depend on dL/dh, for all steps at once: activation derivatives times the
        // forward values each gate's gradient is multiplied by.
        INDArray iCol = factors.columns(0, u);
        INDArray fCol = factors.columns(u, 2 * u);
        INDArray gCol = factors.columns(2 * u, 3 * u);
        INDArray oCol = factors.columns(3 * u, 4 * u);
        ops.timesOneMinus(gates.rows(), factors.rows());                       // σ' for every block
        ops.oneMinusSquare(gates.columns(2 * u, 3 * u), gCol);                 // tanh' for g
        ops.mul(iCol, gates.columns(2 * u, 3 * u), iCol);                      // g σ'(i)
        ops.mul(fCol, cells.rows(0, steps), fCol);                             // c σ'(f)
        ops.mul(gCol, gates.columns(0, u), gCol);                              // i tanh'(g)
        ops.mul(oCol, cellTanh.rows(), oCol);                                  // tanh(c') σ'(o)
        ops.oneMinusSquare(cellTanh.rows(), outToCell.rows());
        ops.mul(outToCell.rows(), gates.columns(3 * u, 4 * u), outToCell.rows()); // o tanh'(c')

        INDArray dc = ops.scratch("dc", n, u);
        INDArray carry = ops.scratch("dc carry", n, u);
        for (int t = steps - 1; t >= 0; t--) {
            // dh(t) is complete here. dL/dc' = dh' ⊙ o ⊙ tanh'(c') + what step t + 1 carried back (f ⊙ its dL/dc').
            ops.mul(dh.step(t), outToCell.step(t), dc);
            if (t < steps - 1) {
                ops.add(dc, carry, dc);
            }
            ops.mul(dc, factors.step(t, 0, u), gateGrads.step(t, 0, u));
            ops.mul(dc, factors.step(t, u, 2 * u), gateGrads.step(t, u, 2 * u));
            ops.mul(dc, factors.step(t, 2 * u, 3 * u), gateGrads.step(t, 2 * u, 3 * u));
            ops.mul(dh.step(t), factors.step(t, 3 * u, 4 * u), gateGrads.step(t, 3 * u, 4 * u));
            if (t > 0) {
                ops.mul(dc, gates.step(t, u, 2 * u), carry);
                dropout.recordRecurrentGradient(ops, gateGrads.step(t), rw, dh, t);
            }
        }
        // Weight gradients and dL/dx for all steps at once.
        INDArray g = gateGrads.rows();
        dropout.recordKernelGradient(ops, x, g, grads.get(KerasLstm.KERNEL));
        dropout.recordRecurrentKernelGradient(ops, h, steps, g, grads.get(KerasLstm.RECURRENT_KERNEL));
        ops.sumRows(g, grads.get(KerasLstm.BIAS).reshape(1, 4L * u), false);
        dropout.recordInputGradient(ops, g, params.get(KerasLstm.KERNEL), dx);
    }
}
