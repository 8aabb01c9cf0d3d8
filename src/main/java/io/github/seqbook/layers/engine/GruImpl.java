package io.github.seqbook.layers.engine;

import java.util.Map;

import io.github.seqbook.layers.Gru;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The network-side {@link Gru}: Keras' GRU with {@code reset_after=True}, time-major, hand-written backward pass. */
public final class GruImpl extends TimeMajorRnnImpl<Gru> {
    /** Gate values, one plane per gate: z, r (after sigmoid), candidate (after tanh). */
    private GatePlanes gates;
    /** The input product {@code x·W + b} of all steps, {@code [steps, batch, 3u]}, as the matrix product writes it. */
    private StepArray inputProduct;
    /** Recurrent products per step, {@code [steps, batch, 3u]}: {@code h·RW + c}, as the matrix product writes them. */
    private StepArray recurrent;
    /** The recurrent products again, one plane per gate, kept for the candidate and the reset gate's gradient. */
    private GatePlanes recurrentPlanes;
    /** {@code h_prev - candidate} per step, {@code [steps, batch, u]} (also scratch during the step). */
    private StepArray diff;
    /** Backward: derivatives sigmoid'(z), sigmoid'(r), tanh'(candidate), one plane per gate. */
    private GatePlanes derivs;
    /**
     * Backward: gradients per step, {@code [steps, batch, 4u]} (computed gate by gate in a {@code [4, batch, u]}
     * scratch, then copied here for the weight products): dL/d(z, r pre-activations), dL/d(recurrent candidate
     * product), dL/d(candidate pre-activation). The first 3u columns are dL/d(h·RW + c), in RW's column order.
     */
    private StepArray grads;
    /** Backward: dL/d(x·W + b) for all steps, {@code [steps, batch, 3u]}, contiguous for the weight products. */
    private StepArray inputGrads;

    public GruImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected Object saveWorkArrays() {
        return new Object[] {gates, inputProduct, recurrent, recurrentPlanes, diff, derivs, grads, inputGrads};
    }

    @Override
    protected void restoreWorkArrays(Object saved) {
        Object[] a = (Object[]) saved;
        gates = (GatePlanes) a[0];
        inputProduct = (StepArray) a[1];
        recurrent = (StepArray) a[2];
        recurrentPlanes = (GatePlanes) a[3];
        diff = (StepArray) a[4];
        derivs = (GatePlanes) a[5];
        grads = (StepArray) a[6];
        inputGrads = (StepArray) a[7];
    }

    @Override
    protected void allocateForward(DataType type, int batch, int steps) {
        int u = units();
        gates = new GatePlanes(type, 3, steps, batch, u);
        inputProduct = new StepArray(type, steps, batch, 3 * u);
        recurrent = new StepArray(type, steps, batch, 3 * u);
        recurrentPlanes = new GatePlanes(type, 3, steps, batch, u);
        diff = new StepArray(type, steps, batch, u);
    }

    @Override
    protected void allocateBackward(DataType type, int batch, int steps) {
        int u = units();
        derivs = new GatePlanes(type, 3, steps, batch, u);
        grads = new StepArray(type, steps, batch, 4 * u);
        inputGrads = new StepArray(type, steps, batch, 3 * u);
    }

    /** Row {@code i} of a {@code [2, 3u]} bias array as a {@code [1, 3u]} matrix. */
    private static INDArray biasRow(INDArray b, int i) {
        return b.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all());
    }

    @Override
    protected void recordForward(OpTape ops, Map<String, INDArray> params, int steps, KerasDropout dropout) {
        int u = units();
        INDArray rw = params.get(Gru.RECURRENT_KERNEL);
        INDArray b = params.get(Gru.BIAS);
        dropout.recordKernels(ops, params.get(Gru.KERNEL), rw);
        // Input side of every gate for all steps in one product: x·W + b (with dropout: each gate's masked inputs),
        // then into the gate planes, where every element-wise op of the steps reads contiguous blocks.
        dropout.recordInputProduct(ops, x, params.get(Gru.KERNEL), inputProduct.rows());
        ops.add(inputProduct.rows(), biasRow(b, 0), inputProduct.rows());
        ops.copy(GatePlanes.byGate(inputProduct.rows(), 3), gates.planes());
        // The recurrent side starts from its bias c; each step adds h·RW.
        ops.fillRows(recurrent.rows(), biasRow(b, 1));
        for (int t = 0; t < steps; t++) {
            INDArray hPrev = h.step(t);
            INDArray z = gates.at(0, t);
            INDArray r = gates.at(1, t);
            INDArray candidate = gates.at(2, t);
            INDArray d = diff.step(t);
            // With recurrent dropout the products see each gate's masked state; h' below mixes the unmasked one.
            dropout.recordRecurrentProduct(ops, h, t, rw, recurrent.step(t));
            ops.copy(GatePlanes.byGate(recurrent.step(t), 3), recurrentPlanes.step(t));
            ops.add(z, recurrentPlanes.at(0, t), z);
            ops.add(r, recurrentPlanes.at(1, t), r);
            ops.sigmoid(z, z);
            ops.sigmoid(r, r);
            // reset_after: r multiplies the recurrent product (its bias included), not the previous state.
            ops.mul(r, recurrentPlanes.at(2, t), d);
            ops.add(candidate, d, candidate);
            ops.tanh(candidate, candidate);
            // h' = z ⊙ (h - h~) + h~
            ops.sub(hPrev, candidate, d);
            ops.mul(z, d, h.step(t + 1));
            ops.add(h.step(t + 1), candidate, h.step(t + 1));
        }
    }

    @Override
    protected void recordBackward(OpTape ops, Map<String, INDArray> params, Map<String, INDArray> gradients, int steps,
                                  KerasDropout dropout) {
        int u = units();
        INDArray rw = params.get(Gru.RECURRENT_KERNEL);
        // Activation derivatives for all steps at once, from the activations: s(1 - s) and 1 - c².
        ops.timesOneMinus(gates.plane(0), derivs.plane(0));
        ops.timesOneMinus(gates.plane(1), derivs.plane(1));
        ops.oneMinusSquare(gates.plane(2), derivs.plane(2));

        int n = Math.toIntExact(h.step(0).size(0));
        INDArray stepGrads = ops.scratch("gate gradients", 4, n, u);
        INDArray gz = stepGrads.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray gr = stepGrads.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray gRecCand = stepGrads.get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray gCand = stepGrads.get(NDArrayIndex.point(3), NDArrayIndex.all(), NDArrayIndex.all());
        for (int t = steps - 1; t >= 0; t--) {
            INDArray dhT = dh.step(t);
            // Update gate: dL/dz = dh ⊙ (h_prev - h~), through the sigmoid.
            ops.mul(dhT, diff.step(t), gz);
            ops.mul(gz, derivs.at(0, t), gz);
            // dh ⊙ z flows straight to the previous state.
            ops.mul(dhT, gates.at(0, t), gCand);
            if (t > 0) {
                ops.add(dh.step(t - 1), gCand, dh.step(t - 1));
            }
            // Candidate: dL/dh~ = dh ⊙ (1 - z), through the tanh.
            ops.sub(dhT, gCand, gCand);
            ops.mul(gCand, derivs.at(2, t), gCand);
            // The candidate's recurrent product enters multiplied by r, and r sees that product.
            ops.mul(gCand, gates.at(1, t), gRecCand);
            ops.mul(gCand, recurrentPlanes.at(2, t), gr);
            ops.mul(gr, derivs.at(1, t), gr);
            // into the row layout the weight products read
            ops.copy(stepGrads, GatePlanes.byGate(grads.step(t), 4));
            if (t > 0) {
                dropout.recordRecurrentGradient(ops, grads.step(t, 0, 3 * u), rw, dh, t);
            }
        }

        // Weight gradients and dL/dx for all steps at once.
        INDArray recGrads = grads.columns(0, 3 * u);
        INDArray gb = gradients.get(Gru.BIAS);
        dropout.recordRecurrentKernelGradient(ops, h, steps, recGrads, gradients.get(Gru.RECURRENT_KERNEL));
        ops.sumRows(recGrads, biasRow(gb, 1), false);
        INDArray in = inputGrads.rows();
        ops.copy(grads.columns(0, 2 * u), inputGrads.columns(0, 2 * u));
        ops.copy(grads.columns(3 * u, 4 * u), inputGrads.columns(2 * u, 3 * u));
        dropout.recordKernelGradient(ops, x, in, gradients.get(Gru.KERNEL));
        ops.sumRows(in, biasRow(gb, 0), false);
        dropout.recordInputGradient(ops, in, params.get(Gru.KERNEL), dx);
    }
}
