package io.github.seqbook.layers.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The matrix products of a recurrent layer's recording, with or without Keras' dropout masks: the input products
 * {@code x·W} (all steps at once) and the recurrent products {@code h·RW} (one step at a time), and their
 * gradients. {@link #NONE} records the plain products; an instance with masks records {@code (x ⊙ m)·W} and
 * {@code (h ⊙ r)·RW}, per gate when the layer draws a mask per gate, and keeps the masked inputs for the weight
 * gradients.
 *
 * <p>Why per-gate masks cost only one product: Keras' {@code implementation=1} multiplies gate {@code k}'s block
 * of the kernel by its own masked copy of the input. Laying the masked copies side by side,
 * {@code [x ⊙ m_1 | ... | x ⊙ m_G]} ({@code [rows, G·width]}), and the kernel's gate blocks on the diagonal of a
 * {@code [G·width, G·cols]} matrix gives every gate's product in one matrix product, the same
 * {@code [rows, G·cols]} result, without strided outputs (which ND4J's matrix product refuses). The masks are drawn
 * ({@link #draw()}) before each recorded pass that uses them, outside the tape.
 */
final class KerasDropout {
    /** The plain products: no masks. */
    static final KerasDropout NONE = new KerasDropout(null, null);

    private final Side input;
    private final Side recurrent;

    private KerasDropout(Side input, Side recurrent) {
        this.input = input;
        this.recurrent = recurrent;
    }

    /**
     * Masks for a batch shape, or {@link #NONE} when both rates are 0.
     *
     * @param inputRate     Keras' {@code dropout}
     * @param recurrentRate Keras' {@code recurrent_dropout}
     * @param gates         gates of the layer (1 for SimpleRNN); per-gate masks when {@code recurrentRate > 0},
     *                      as Keras 2 switches to {@code implementation=1} then
     * @param inputs        input features per step
     * @param units         units (state size)
     */
    static KerasDropout of(DataType type, double inputRate, double recurrentRate, int gates, int batch, int steps,
                           int inputs, int units) {
        if (inputRate == 0 && recurrentRate == 0) {
            return NONE;
        }
        int perGate = recurrentRate > 0 ? gates : 1;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Side in = inputRate > 0 ? new Side(type, inputRate, perGate, batch, steps, inputs, gates * units) : null;
            Side rec = recurrentRate > 0 ? new Side(type, recurrentRate, perGate, batch, steps, units, gates * units) : null;
            return new KerasDropout(in, rec);
        }
    }

    /** True when this records masked products. */
    boolean active() {
        return input != null || recurrent != null;
    }

    /** Draws new masks for every sample (input masks first, then recurrent ones, as Keras). */
    void draw() {
        if (input != null) {
            input.draw();
        }
        if (recurrent != null) {
            recurrent.draw();
        }
    }

    /** The input masks {@code [batch, G·nIn]} (gate blocks side by side), or null without input dropout. */
    INDArray inputMask() {
        return input == null ? null : input.mask;
    }

    /** The recurrent masks {@code [batch, G·units]} (gate blocks side by side), or null without recurrent dropout. */
    INDArray recurrentMask() {
        return recurrent == null ? null : recurrent.mask;
    }

    // ---- forward ---------------------------------------------------------------------------------------------

    /**
     * Records copying the kernels' gate blocks into the block-diagonal kernels; the first thing a forward recording
     * with masks does (the parameter copies change before every pass).
     */
    void recordKernels(OpTape ops, INDArray kernel, INDArray recurrentKernel) {
        if (input != null) {
            input.recordBlockKernel(ops, kernel);
        }
        if (recurrent != null) {
            recurrent.recordBlockKernel(ops, recurrentKernel);
        }
    }

    /** Records {@code out = x·W} for all steps ({@code x}: the layer's inputs; {@code out}: contiguous {@code [steps·batch, cols]}). */
    void recordInputProduct(OpTape ops, StepArray x, INDArray kernel, INDArray out) {
        if (input == null) {
            ops.gemm(x.rows(), kernel, out, false, false, false);
        } else {
            input.recordMask(ops, x.all(), input.masked.all());
            ops.gemm(input.masked.rows(), input.kernel(kernel), out, false, false, false);
        }
    }

    /** Records {@code out += h(t)·RW} ({@code h}: the states, {@code h.step(t)} the previous state of step {@code t}). */
    void recordRecurrentProduct(OpTape ops, StepArray h, int t, INDArray recurrentKernel, INDArray out) {
        if (recurrent == null) {
            ops.gemm(h.step(t), recurrentKernel, out, false, false, true);
        } else {
            recurrent.recordMask(ops, h.step(t), recurrent.masked.step(t));
            ops.gemm(recurrent.masked.step(t), recurrent.kernel(recurrentKernel), out, false, false, true);
        }
    }

    // ---- backward --------------------------------------------------------------------------------------------

    /** Records {@code dx = dOut·Wᵀ} for all steps ({@code dOut}: {@code [steps·batch, cols]}, may be strided). */
    void recordInputGradient(OpTape ops, INDArray dOut, INDArray kernel, StepArray dx) {
        if (input == null) {
            ops.gemm(dOut, kernel, dx.rows(), false, true, false);
        } else {
            input.recordInputGradient(ops, dOut, kernel, dx.rows(), false);
        }
    }

    /** Records {@code dh(t - 1) += dOut(t)·RWᵀ} ({@code dOut}: step {@code t}'s {@code [batch, cols]}, may be strided). */
    void recordRecurrentGradient(OpTape ops, INDArray dOut, INDArray recurrentKernel, StepArray dh, int t) {
        if (recurrent == null) {
            ops.gemm(dOut, recurrentKernel, dh.step(t - 1), false, true, true);
        } else {
            recurrent.recordInputGradient(ops, dOut, recurrentKernel, dh.step(t - 1), true);
        }
    }

    /** Records {@code dW = xᵀ·dOut} over all steps (with the masked inputs when masked). */
    void recordKernelGradient(OpTape ops, StepArray x, INDArray dOut, INDArray grad) {
        if (input == null) {
            ops.gemm(x.rows(), dOut, grad, true, false, false);
        } else {
            input.recordKernelGradient(ops, input.masked.rows(), dOut, grad);
        }
    }

    /** Records {@code dRW = h(0..steps-1)ᵀ·dOut} (with the masked states when masked). */
    void recordRecurrentKernelGradient(OpTape ops, StepArray h, int steps, INDArray dOut, INDArray grad) {
        if (recurrent == null) {
            ops.gemm(h.rows(0, steps), dOut, grad, true, false, false);
        } else {
            recurrent.recordKernelGradient(ops, recurrent.masked.rows(), dOut, grad);
        }
    }

    /**
     * One masked input of the products: {@code gates} masks of {@code width} values per sample side by side, for a
     * kernel of {@code cols} columns ({@code cols / gates} per gate).
     */
    private static final class Side {
        private final double rate;
        private final int gates;
        private final int width;
        private final int batch;
        private final int colsPerGate;
        /** {@code [batch, gates·width]}: 0 or {@code 1 / (1 - rate)}. */
        final INDArray mask;
        /** The masked inputs of every step, {@code [steps, batch, gates·width]}. */
        final StepArray masked;
        /** {@code [gates·width, cols]}, the kernel's gate blocks on the diagonal; null for one gate. */
        private final INDArray blockKernel;
        /** {@code [gates·width, width]}, identity blocks stacked: sums the gates' input gradients. Null for one gate. */
        private final INDArray stackedIdentity;

        Side(DataType type, double rate, int gates, int batch, int steps, int width, int cols) {
            this.rate = rate;
            this.gates = gates;
            this.width = width;
            this.batch = batch;
            this.colsPerGate = cols / gates;
            mask = Nd4j.create(type, batch, (long) gates * width);
            masked = new StepArray(type, steps, batch, gates * width);
            if (gates > 1) {
                blockKernel = Nd4j.create(type, (long) gates * width, cols);
                stackedIdentity = Nd4j.create(type, (long) gates * width, width);
                for (int g = 0; g < gates; g++) {
                    for (int i = 0; i < width; i++) {
                        stackedIdentity.putScalar((long) g * width + i, i, 1.0);
                    }
                }
            } else {
                blockKernel = null;
                stackedIdentity = null;
            }
        }

        void draw() {
            Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1.0 - rate));
            mask.muli(1.0 / (1.0 - rate));
        }

        INDArray kernel(INDArray kernel) {
            return blockKernel == null ? kernel : blockKernel;
        }

        void recordBlockKernel(OpTape ops, INDArray kernel) {
            if (blockKernel == null) {
                return;
            }
            for (int g = 0; g < gates; g++) {
                INDArray from = kernel.get(NDArrayIndex.all(), NDArrayIndex.interval((long) g * colsPerGate, (long) (g + 1) * colsPerGate));
                INDArray to = blockKernel.get(NDArrayIndex.interval((long) g * width, (long) (g + 1) * width),
                        NDArrayIndex.interval((long) g * colsPerGate, (long) (g + 1) * colsPerGate));
                ops.copy(from, to);
            }
        }

        /**
         * Records {@code out[..., b, g, :] = in[..., b, :] ⊙ mask[b, g, :]}: {@code in} is contiguous
         * {@code [..., batch, width]}, {@code out} contiguous {@code [..., batch, gates·width]}; one broadcast product.
         */
        void recordMask(OpTape ops, INDArray in, INDArray out) {
            long lead = in.length() / ((long) batch * width);
            ops.mul(in.reshape('c', lead, batch, 1, width), mask.reshape('c', batch, gates, width),
                    out.reshape('c', lead, batch, gates, width));
        }

        /** Records {@code dIn (+)= Σ_g (dOut_g·K_gᵀ) ⊙ m_g}; {@code dIn} contiguous {@code [rows, width]}. */
        void recordInputGradient(OpTape ops, INDArray dOut, INDArray kernel, INDArray dIn, boolean accumulate) {
            long rows = dOut.size(0);
            if (gates == 1 && !accumulate) {
                ops.gemm(dOut, kernel, dIn, false, true, false);
                maskRows(ops, dIn);
                return;
            }
            INDArray tmp = ops.scratch("dropout input gradient", rows, (long) gates * width);
            ops.gemm(dOut, kernel(kernel), tmp, false, true, false);
            maskRows(ops, tmp);
            if (gates == 1) {
                ops.add(dIn, tmp, dIn);
            } else {
                ops.gemm(tmp, stackedIdentity, dIn, false, false, accumulate);
            }
        }

        /** Records {@code a ⊙= mask} for {@code a} contiguous {@code [steps·batch, gates·width]}, sample by sample. */
        private void maskRows(OpTape ops, INDArray a) {
            INDArray bySteps = a.reshape('c', a.size(0) / batch, batch, (long) gates * width);
            ops.mul(bySteps, mask, bySteps);
        }

        /** Records {@code grad = Σ_g masked_gᵀ·dOut_g} into the gate blocks of {@code grad} ({@code [width, cols]}). */
        void recordKernelGradient(OpTape ops, INDArray maskedRows, INDArray dOut, INDArray grad) {
            if (gates == 1) {
                ops.gemm(maskedRows, dOut, grad, true, false, false);
                return;
            }
            INDArray block = ops.scratch("dropout kernel gradient", width, colsPerGate);
            for (int g = 0; g < gates; g++) {
                org.nd4j.linalg.indexing.INDArrayIndex cols = NDArrayIndex.interval((long) g * colsPerGate, (long) (g + 1) * colsPerGate);
                ops.gemm(maskedRows.get(NDArrayIndex.all(), NDArrayIndex.interval((long) g * width, (long) (g + 1) * width)),
                        dOut.get(NDArrayIndex.all(), cols), block, true, false, false);
                ops.copy(block, grad.get(NDArrayIndex.all(), cols));
            }
        }
    }
}
