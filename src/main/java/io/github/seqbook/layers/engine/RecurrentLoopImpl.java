package io.github.seqbook.layers.engine;

import java.util.Map;

import io.github.seqbook.layers.RecurrentCell;
import io.github.seqbook.layers.RecurrentLoop;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The network-side {@link RecurrentLoop}: the explicit loop over time steps, forward and backward. */
public final class RecurrentLoopImpl extends TimeMajorRnnImpl<RecurrentLoop> {
    /** The cell's per-step memory, one array per width it asks for. */
    private StepArray[] memory;

    public RecurrentLoopImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private RecurrentCell cell() {
        return layerConf().getCell();
    }

    @Override
    protected Object saveWorkArrays() {
        return new Object[] {memory};
    }

    @Override
    protected void restoreWorkArrays(Object saved) {
        Object[] a = (Object[]) saved;
        memory = (StepArray[]) a[0];
    }

    @Override
    protected void allocateForward(DataType type, int batch, int steps) {
        int[] widths = cell().memoryWidths();
        memory = new StepArray[widths.length];
        for (int i = 0; i < widths.length; i++) {
            memory[i] = new StepArray(type, steps, batch, widths[i]);
        }
    }

    @Override
    protected void allocateBackward(DataType type, int batch, int steps) {
        // The cell's memory from the forward pass is all the backward pass needs.
    }

    private INDArray[] memoryAt(int t) {
        INDArray[] m = new INDArray[memory.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = memory[i].step(t);
        }
        return m;
    }

    @Override
    protected void recordForward(OpTape ops, Map<String, INDArray> params, int steps, KerasDropout dropout) {
        RecurrentCell cell = cell();
        for (int t = 0; t < steps; t++) {
            cell.forward(ops, x.step(t), h.step(t), h.step(t + 1), memoryAt(t), params);
        }
    }

    @Override
    protected void recordBackward(OpTape ops, Map<String, INDArray> params, Map<String, INDArray> grads, int steps,
                                  KerasDropout dropout) {
        RecurrentCell cell = cell();
        for (INDArray g : grads.values()) {
            ops.scale(g, 0.0, g);
        }
        // Backpropagation through time; nothing needs dL/d(initial state).
        INDArray discard = ops.scratch("loop.dInitialState", h.step(0).shape());
        for (int t = steps - 1; t >= 0; t--) {
            cell.backward(ops, dh.step(t), x.step(t), h.step(t), h.step(t + 1), memoryAt(t), params, grads,
                    dx.step(t), t > 0 ? dh.step(t - 1) : discard);
        }
    }
}
