package io.github.seqbook.layers.engine;

import java.util.Map;

import io.github.seqbook.layers.KerasSimpleRnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The network-side {@link KerasSimpleRnn}: two recorded ops per step forward and two backward. */
public final class KerasSimpleRnnImpl extends TimeMajorRnnImpl<KerasSimpleRnn> {
    /** Backward, {@code [steps, batch, u]}: tanh' = 1 - h² per step, then dL/d(pre-activation) in place. */
    private StepArray dPre;

    public KerasSimpleRnnImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected Object saveWorkArrays() {
        return new Object[] {dPre};
    }

    @Override
    protected void restoreWorkArrays(Object saved) {
        Object[] a = (Object[]) saved;
        dPre = (StepArray) a[0];
    }

    @Override
    protected void allocateForward(DataType type, int batch, int steps) {
        // The pre-activations are computed in h itself and activated in place: nothing else to keep.
    }

    @Override
    protected void allocateBackward(DataType type, int batch, int steps) {
        dPre = new StepArray(type, steps, batch, units());
    }

    @Override
    protected void recordForward(OpTape ops, Map<String, INDArray> params, int steps, KerasDropout dropout) {
        INDArray rw = params.get(KerasSimpleRnn.RECURRENT_KERNEL);
        INDArray out = h.rows(1, steps + 1);
        dropout.recordKernels(ops, params.get(KerasSimpleRnn.KERNEL), rw);
        // x·W + b for all steps in one product, written where the outputs go; each step adds h·RW, then tanh.
        // With dropout, x and h are first multiplied by each sample's masks (Keras' SimpleRNNCell).
        dropout.recordInputProduct(ops, x, params.get(KerasSimpleRnn.KERNEL), out);
        ops.add(out, params.get(KerasSimpleRnn.BIAS), out);
        for (int t = 0; t < steps; t++) {
            dropout.recordRecurrentProduct(ops, h, t, rw, h.step(t + 1));
            ops.tanh(h.step(t + 1), h.step(t + 1));
        }
    }

    @Override
    protected void recordBackward(OpTape ops, Map<String, INDArray> params, Map<String, INDArray> grads, int steps,
                                  KerasDropout dropout) {
        int u = units();
        INDArray rw = params.get(KerasSimpleRnn.RECURRENT_KERNEL);
        ops.oneMinusSquare(h.rows(1, steps + 1), dPre.rows());
        for (int t = steps - 1; t >= 0; t--) {
            // dh(t) is complete here: its own epsilon plus what step t + 1 sent back.
            ops.mul(dPre.step(t), dh.step(t), dPre.step(t));
            if (t > 0) {
                dropout.recordRecurrentGradient(ops, dPre.step(t), rw, dh, t);
            }
        }
        // Weight gradients and dL/dx for all steps at once.
        dropout.recordKernelGradient(ops, x, dPre.rows(), grads.get(KerasSimpleRnn.KERNEL));
        dropout.recordRecurrentKernelGradient(ops, h, steps, dPre.rows(), grads.get(KerasSimpleRnn.RECURRENT_KERNEL));
        ops.sumRows(dPre.rows(), grads.get(KerasSimpleRnn.BIAS).reshape(1, u), false);
        dropout.recordInputGradient(ops, dPre.rows(), params.get(KerasSimpleRnn.KERNEL), dx);
    }
}
