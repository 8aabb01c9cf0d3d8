package io.github.seqbook.layers.engine;

import java.util.List;
import java.util.Map;

import io.github.seqbook.layers.KerasLstm;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The network-side {@link KerasLstm}: Keras' LSTM, time-major, hand-written backward pass. Gate columns are in
 * Keras' order: i {@code [0, u)}, f {@code [u, 2u)}, g (the candidate, Keras' "c") {@code [2u, 3u)}, o {@code [3u, 4u)}.
 */
public final class KerasLstmImpl extends TimeMajorRnnImpl<KerasLstm> {
    /** Gate pre-activations per step, {@code [steps, batch, 4u]}: x·W + b, then + h·RW. */
    private StepArray pre;
    /** Gate activations, one plane per gate (i, f, g, o): sigmoid(i, f, o), tanh(g). */
    private GatePlanes gates;
    /** Cell states, {@code [steps + 1, batch, u]}: the initial state, then the state after each step. */
    private StepArray cells;
    /** tanh of the new cell state per step, {@code [steps, batch, u]}. */
    private StepArray cellTanh;
    /**
     * Backward, one plane per gate: what dL/dc' (gates i, f, g) or dL/dh' (gate o) is multiplied by to give
     * dL/d(gate pre-activation): {@code g σ'(i)}, {@code c σ'(f)}, {@code i tanh'(g)}, {@code tanh(c') σ'(o)}.
     */
    private GatePlanes factors;
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
    protected Object saveWorkArrays() {
        return new Object[] {pre, gates, cells, cellTanh, factors, outToCell, gateGrads};
    }

    @Override
    protected void restoreWorkArrays(Object saved) {
        Object[] a = (Object[]) saved;
        pre = (StepArray) a[0];
        gates = (GatePlanes) a[1];
        cells = (StepArray) a[2];
        cellTanh = (StepArray) a[3];
        factors = (GatePlanes) a[4];
        outToCell = (StepArray) a[5];
        gateGrads = (StepArray) a[6];
    }

    @Override
    protected void allocateForward(DataType type, int batch, int steps) {
        int u = units();
        pre = new StepArray(type, steps, batch, 4 * u);
        gates = new GatePlanes(type, 4, steps, batch, u);
        cells = new StepArray(type, steps + 1, batch, u);
        cellTanh = new StepArray(type, steps, batch, u);
    }

    @Override
    protected void allocateBackward(DataType type, int batch, int steps) {
        int u = units();
        factors = new GatePlanes(type, 4, steps, batch, u);
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
            // Sigmoid over all four blocks in one op into the gate planes, then the candidate block again with tanh.
            ops.sigmoid(GatePlanes.byGate(pre.step(t), 4), gates.step(t));
            ops.tanh(pre.step(t, 2 * u, 3 * u), gates.at(2, t));
            // c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')
            ops.mul(gates.at(1, t), cells.step(t), cells.step(t + 1));
            ops.mul(gates.at(0, t), gates.at(2, t), inputGate);
            ops.add(cells.step(t + 1), inputGate, cells.step(t + 1));
            ops.tanh(cells.step(t + 1), cellTanh.step(t));
            ops.mul(gates.at(3, t), cellTanh.step(t), h.step(t + 1));
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
        ops.timesOneMinus(gates.all(), factors.all());                          // σ' for every gate
        ops.oneMinusSquare(gates.plane(2), factors.plane(2));                   // tanh' for g
        ops.mul(factors.plane(0), gates.plane(2), factors.plane(0));            // g σ'(i)
        ops.mul(factors.plane(1), cells.rows(0, steps), factors.plane(1));      // c σ'(f)
        ops.mul(factors.plane(2), gates.plane(0), factors.plane(2));            // i tanh'(g)
        ops.mul(factors.plane(3), cellTanh.rows(), factors.plane(3));           // tanh(c') σ'(o)
        ops.oneMinusSquare(cellTanh.rows(), outToCell.rows());
        ops.mul(outToCell.rows(), gates.plane(3), outToCell.rows());            // o tanh'(c')

        INDArray dc = ops.scratch("dc", n, u);
        INDArray carry = ops.scratch("dc carry", n, u);
        INDArray stepGrads = ops.scratch("gate gradients", 4, n, u);
        INDArray[] stepGrad = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            stepGrad[k] = stepGrads.get(NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all());
        }
        for (int t = steps - 1; t >= 0; t--) {
            // dh(t) is complete here. dL/dc' = dh' ⊙ o ⊙ tanh'(c') + what step t + 1 carried back (f ⊙ its dL/dc').
            ops.mul(dh.step(t), outToCell.step(t), dc);
            if (t < steps - 1) {
                ops.add(dc, carry, dc);
            }
            ops.mul(dc, factors.at(0, t), stepGrad[0]);
            ops.mul(dc, factors.at(1, t), stepGrad[1]);
            ops.mul(dc, factors.at(2, t), stepGrad[2]);
            ops.mul(dh.step(t), factors.at(3, t), stepGrad[3]);
            // into the row layout the weight products read, gate blocks side by side
            ops.copy(stepGrads, GatePlanes.byGate(gateGrads.step(t), 4));
            if (t > 0) {
                ops.mul(dc, gates.at(1, t), carry);
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
