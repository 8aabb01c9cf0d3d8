package io.github.seqbook.layers.engine;

import io.github.seqbook.layers.CausalConv1D;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The computation of {@link CausalConv1D}: with the input copied once into a time-major {@code [steps * batch,
 * channels]} array, shifting a sequence by {@code s} steps is taking rows {@code s * batch} on, so kernel tap
 * {@code j} (shift {@code s = (k-1-j) * dilation}) adds one matrix product {@code x[0 .. T-s) · W_j} into rows
 * {@code [s, T)} of the pre-activation. Backward is the same products transposed: {@code dW_j = x[.. T-s)^T · dz[s ..]}
 * and {@code dx[.. T-s) += dz[s ..] · W_j^T}. Per batch that is about {@code k + 4} ND4J ops forward and
 * {@code 2k + 4} backward, against DL4J's im2col, col2im and their reshapes.
 *
 * <p>The time-major copies of the input and the pre-activation live in buffers of this object (outside DL4J's
 * workspaces), kept from a training forward pass for the backward pass; the layer's outputs and the gradient it
 * returns are fresh arrays in DL4J's workspaces.
 */
public final class CausalConv1DImpl extends BaseLayer<CausalConv1D> {
    private static final String W = ConvolutionParamInitializer.WEIGHT_KEY;
    private static final String B = ConvolutionParamInitializer.BIAS_KEY;

    private final int kernel;
    private final int dilation;
    private final long nIn;
    private final long nOut;

    // Buffers for the current batch shape.
    private long batch = -1;
    private long steps = -1;
    /** Input, time-major {@code [steps * batch, nIn]}. */
    private INDArray x2;
    /** Pre-activation of the last training pass, then dL/dz, {@code [steps * batch, nOut]}. */
    private INDArray z2;
    /** dL/d output, {@code [steps * batch, nOut]}. */
    private INDArray dy2;
    /** dL/d input, {@code [steps * batch, nIn]}. */
    private INDArray dx2;
    /** The input {@link #z2} and {@link #x2} were computed from in training; null when they are stale. */
    private INDArray keptInput;

    public CausalConv1DImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        CausalConv1D c = (CausalConv1D) conf.getLayer();
        this.kernel = c.getKernelSize()[0];
        this.dilation = c.getDilation()[0];
        this.nIn = c.getNIn();
        this.nOut = c.getNOut();
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    private void shape(long b, long t) {
        if (b == batch && t == steps) {
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            x2 = Nd4j.create(dataType, t * b, nIn);
            z2 = Nd4j.create(dataType, t * b, nOut);
            dy2 = Nd4j.create(dataType, t * b, nOut);
            dx2 = Nd4j.create(dataType, t * b, nIn);
        }
        batch = b;
        steps = t;
        keptInput = null;
    }

    /** Shift of tap {@code j} in steps. */
    private long shift(int j) {
        return (long) (kernel - 1 - j) * dilation;
    }

    /** Rows {@code [fromStep, toStep)} of a time-major 2-D array (a contiguous view). */
    private INDArray rows(INDArray a, long fromStep, long toStep) {
        if (fromStep == 0 && toStep == steps) {
            return a;
        }
        return a.get(NDArrayIndex.interval(fromStep * batch, toStep * batch), NDArrayIndex.all());
    }

    private void checkInput() {
        assertInputSet(false);
        if (input.rank() != 3 || input.size(1) != nIn) {
            throw new IllegalArgumentException("CausalConv1D (layer " + getIndex() + ") expects input [batch, " + nIn
                    + ", steps] (NCW), got shape " + java.util.Arrays.toString(input.shape()));
        }
        if (maskArray != null) {
            throw new UnsupportedOperationException("CausalConv1D (layer " + getIndex() + ") does not support masks;"
                    + " use DL4J's Convolution1DLayer for masked sequences");
        }
    }

    /**
     * The kernel as taps {@code [k, nIn, nOut]}: a view of DL4J's {@code W}. DL4J declares {@code W} as
     * {@code [nOut, nIn, k, 1]} but its conv1d op reads the same values as {@code [k, nIn, nOut]} (libnd4j's
     * {@code [kW, iC, oC]}), measured with distinct weights and impulse inputs; tap {@code k-1} multiplies the
     * current step.
     */
    private INDArray taps(INDArray w) {
        return w.reshape('c', kernel, nIn * nOut);
    }

    /** Tap {@code j} of {@link #taps}, {@code [nIn, nOut]}. */
    private INDArray tap(INDArray taps, int j) {
        return taps.getRow(j).reshape('c', nIn, nOut);
    }

    /** Pre-activation into {@code z} ({@code [steps * batch, nOut]}) from {@link #x2}. */
    private void preActivation(INDArray z, boolean training, LayerWorkspaceMgr mgr) {
        INDArray taps = taps(getParamWithNoise(W, training, mgr));
        INDArray b = getParamWithNoise(B, training, mgr);
        // Tap k-1 (shift 0) covers every row and initialises z; the others add into the later rows.
        for (int j = kernel - 1; j >= 0; j--) {
            long s = shift(j);
            if (s >= steps) {
                continue;
            }
            Nd4j.gemm(rows(x2, 0, steps - s), tap(taps, j), rows(z, s, steps), false, false, 1.0,
                    j == kernel - 1 ? 0.0 : 1.0);
        }
        z.addiRowVector(b.reshape(nOut));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        checkInput();
        applyDropOutIfNecessary(training, mgr);
        INDArray in = input.castTo(dataType);
        shape(in.size(0), in.size(2));
        x2.reshape(steps, batch, nIn).assign(in.permute(2, 0, 1));
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {steps, batch, nOut}, 'c');
        INDArray out2 = out.reshape(steps * batch, nOut);
        if (training) {
            preActivation(z2, true, mgr);
            out2.assign(z2);
            keptInput = input;
        } else {
            preActivation(out2, false, mgr);
            keptInput = null;
        }
        layerConf().getActivationFn().getActivation(out2, training);
        return out.permute(1, 2, 0);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        checkInput();
        if (keptInput != input) {
            activate(true, mgr); // the kept forward pass is stale (or was an inference pass): redo it
        }
        keptInput = null; // z2 becomes dL/dz below
        INDArray dz = layerConf().getActivationFn().backprop(z2, epsilonTimeMajor(epsilon)).getFirst();

        INDArray gradB = gradientViews.get(B);
        gradB.assign(dz.sum(0).reshape(gradB.shape()));
        INDArray taps = taps(getParamWithNoise(W, true, mgr));
        INDArray dTaps = taps(gradientViews.get(W));
        for (int j = kernel - 1; j >= 0; j--) {
            long s = shift(j);
            INDArray dTap = tap(dTaps, j);
            if (s >= steps) {
                dTap.assign(0);
                continue;
            }
            Nd4j.gemm(rows(x2, 0, steps - s), rows(dz, s, steps), dTap, true, false, 1.0, 0.0);
            Nd4j.gemm(rows(dz, s, steps), tap(taps, j), rows(dx2, 0, steps - s), false, true, 1.0,
                    j == kernel - 1 ? 0.0 : 1.0);
        }

        INDArray eps = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {batch, nIn, steps}, 'c');
        eps.assign(dx2.reshape(steps, batch, nIn).permute(1, 2, 0));
        eps = backpropDropOutIfPresent(eps);

        Gradient g = new DefaultGradient();
        g.setGradientFor(B, gradB);
        g.setGradientFor(W, gradientViews.get(W), 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, eps);
    }

    /** dL/d output, NCW, as a time-major copy in {@link #dy2}. */
    private INDArray epsilonTimeMajor(INDArray epsilon) {
        if (epsilon.rank() != 3 || epsilon.size(0) != batch || epsilon.size(1) != nOut || epsilon.size(2) != steps) {
            throw new IllegalArgumentException("CausalConv1D (layer " + getIndex() + ") expects dL/d output [" + batch
                    + ", " + nOut + ", " + steps + "], got " + java.util.Arrays.toString(epsilon.shape()));
        }
        dy2.reshape(steps, batch, nOut).assign(epsilon.permute(2, 0, 1));
        return dy2;
    }
}
