package io.github.seqbook.layers.engine;

import java.util.Map;

import io.github.seqbook.layers.LayerNormSimpleRnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The network-side {@link LayerNormSimpleRnn}: time-major, input products and weight gradients for all steps at once. */
public final class LayerNormSimpleRnnImpl extends TimeMajorRnnImpl<LayerNormSimpleRnn> {
    /** Per step {@code [steps, batch, u]}: the pre-activation s, normalized in place to x̂. */
    private StepArray norm;
    /** Per step {@code [steps, batch, 1]}: 1 / sqrt(var(s) + eps). */
    private StepArray inv;
    /** Backward {@code [steps, batch, u]}: tanh' = 1 - h², then dL/d(gamma ⊙ x̂ + beta). */
    private StepArray dOut;
    /** Backward {@code [steps, batch, u]}: dL/ds. */
    private StepArray dPre;

    public LayerNormSimpleRnnImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected Object saveWorkArrays() {
        return new Object[] {norm, inv, dOut, dPre};
    }

    @Override
    protected void restoreWorkArrays(Object saved) {
        Object[] a = (Object[]) saved;
        norm = (StepArray) a[0];
        inv = (StepArray) a[1];
        dOut = (StepArray) a[2];
        dPre = (StepArray) a[3];
    }

    @Override
    protected void allocateForward(DataType type, int batch, int steps) {
        norm = new StepArray(type, steps, batch, units());
        inv = new StepArray(type, steps, batch, 1);
    }

    @Override
    protected void allocateBackward(DataType type, int batch, int steps) {
        dOut = new StepArray(type, steps, batch, units());
        dPre = new StepArray(type, steps, batch, units());
    }

    @Override
    protected void recordForward(OpTape ops, Map<String, INDArray> params, int steps, KerasDropout dropout) {
        INDArray rw = params.get(LayerNormSimpleRnn.RECURRENT_KERNEL);
        INDArray gamma = params.get(LayerNormSimpleRnn.GAMMA);
        INDArray beta = params.get(LayerNormSimpleRnn.BETA);
        double eps = layerConf().getEpsilon();
        // x·W + b for all steps in one product; each step adds h·RW.
        ops.gemm(x.rows(), params.get(LayerNormSimpleRnn.KERNEL), norm.rows(), false, false, false);
        ops.add(norm.rows(), params.get(LayerNormSimpleRnn.BIAS), norm.rows());
        for (int t = 0; t < steps; t++) {
            ops.gemm(h.step(t), rw, norm.step(t), false, false, true);
            LayerNormOps.forward(ops, norm.step(t), inv.step(t), gamma, beta, eps, h.step(t + 1));
            ops.tanh(h.step(t + 1), h.step(t + 1));
        }
    }

    @Override
    protected void recordBackward(OpTape ops, Map<String, INDArray> params, Map<String, INDArray> grads, int steps,
                                  KerasDropout dropout) {
        int u = units();
        INDArray rw = params.get(LayerNormSimpleRnn.RECURRENT_KERNEL);
        INDArray gamma = params.get(LayerNormSimpleRnn.GAMMA);
        ops.oneMinusSquare(h.rows(1, steps + 1), dOut.rows());
        for (int t = steps - 1; t >= 0; t--) {
            ops.mul(dOut.step(t), dh.step(t), dOut.step(t));
            ops.mul(dOut.step(t), gamma, dPre.step(t));
            LayerNormOps.backward(ops, dPre.step(t), norm.step(t), inv.step(t));
            if (t > 0) {
                ops.gemm(dPre.step(t), rw, dh.step(t - 1), false, true, true);
            }
        }
        // Weight gradients and dL/dx for all steps at once.
        ops.gemm(x.rows(), dPre.rows(), grads.get(LayerNormSimpleRnn.KERNEL), true, false, false);
        ops.gemm(h.rows(0, steps), dPre.rows(), grads.get(LayerNormSimpleRnn.RECURRENT_KERNEL), true, false, false);
        ops.sumRows(dPre.rows(), grads.get(LayerNormSimpleRnn.BIAS).reshape(1, u), false);
        ops.gemm(dPre.rows(), params.get(LayerNormSimpleRnn.KERNEL), dx.rows(), false, true, false);
        ops.sumRows(dOut.rows(), grads.get(LayerNormSimpleRnn.BETA).reshape(1, u), false);
        ops.mul(dOut.rows(), norm.rows(), dPre.rows()); // dPre is free now: reuse it for dL/dgamma's terms
        ops.sumRows(dPre.rows(), grads.get(LayerNormSimpleRnn.GAMMA).reshape(1, u), false);
    }
}
