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
 * The computation of {@link CausalConv1D}: the input's {@code k} time-shifted views (tap {@code j} shifted by
 * {@code s = (k-1-j) * dilation} steps, zeros in front) are copied side by side into one {@code [batch * steps,
 * k * channels]} array, and one matrix product with the kernel, read as {@code [k * channels, filters]}, gives the
 * pre-activation of every step. This is DL4J's im2col array and product, built with {@code k} strided copies instead
 * of im2col, rows batch-major and columns tap-major as in DL4J's. It is not bit for bit DL4J's result (measured on
 * the book's WaveNet: outputs 1.4e-8 apart in float, parameters 3e-8 apart after two Adam steps): DL4J's product and
 * its weight-gradient reduction run in another order.
 * Backward is the same product transposed: {@code dW = cols^T · dz}, {@code dcols = dz · W^T}, and dL/d input the sum
 * of {@code dcols}' blocks shifted back. Per batch that is {@code k + 3} ND4J ops forward (one more in training) and
 * {@code k + 6} backward.
 *
 * <p>In training the column array and the pre-activation live in buffers of this object (outside DL4J's workspaces),
 * kept for the backward pass; inference and the backward pass work in DL4J's workspaces, so a large validation
 * batch does not leave buffers of its size behind.
 */
public final class CausalConv1DImpl extends BaseLayer<CausalConv1D> {
    private static final String W = ConvolutionParamInitializer.WEIGHT_KEY;
    private static final String B = ConvolutionParamInitializer.BIAS_KEY;

    private final int kernel;
    private final int dilation;
    private final long nIn;
    private final long nOut;

    // The shape of the current pass, and buffers for the last training pass (inference uses DL4J's workspaces).
    private long batch = -1;
    private long steps = -1;
    private long bufferBatch = -1;
    private long bufferSteps = -1;
    /** The shifted inputs side by side, {@code [batch * steps, k * nIn]}; the padded rows stay zero. */
    private INDArray cols;
    /** Pre-activation of the last training pass, then dL/dz, {@code [batch * steps, nOut]}. */
    private INDArray z2;
    /** The input {@link #z2} and {@link #cols} were computed from in training; null when they are stale. */
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

    /**
     * Buffers for a training batch of {@code b} sequences of {@code t} steps (kept until backprop); the previous
     * ones are freed at once rather than left to the garbage collector.
     */
    private void trainingShape(long b, long t) {
        batch = b;
        steps = t;
        // Same rows but another (batch, steps) split would leave stale values where the views are padded.
        if (cols != null && b == bufferBatch && t == bufferSteps) {
            return;
        }
        bufferBatch = b;
        bufferSteps = t;
        for (INDArray a : new INDArray[] {cols, z2}) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            cols = Nd4j.create(dataType, b * t, kernel * nIn);
            z2 = Nd4j.create(dataType, b * t, nOut);
        }
    }

    /** Shift of tap {@code j} in steps. */
    private long shift(int j) {
        return (long) (kernel - 1 - j) * dilation;
    }

    /** Steps {@code [from, to)} and, of a {@code [batch, steps, k * nIn]} array, the columns of tap {@code j}. */
    private INDArray block(INDArray a3, long from, long to, int j) {
        return a3.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to),
                NDArrayIndex.interval((long) j * nIn, (j + 1L) * nIn));
    }

    private static INDArray stepRange(INDArray a3, long from, long to) {
        return a3.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
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
     * DL4J's {@code W} as {@code [k * nIn, nOut]} (row {@code j * nIn + i}: tap {@code j}, input channel {@code i}).
     * DL4J declares {@code W} as {@code [nOut, nIn, k, 1]} but its conv1d op reads the same values as
     * {@code [k, nIn, nOut]} (libnd4j's {@code [kW, iC, oC]}): measured with distinct weights and impulse inputs;
     * tap {@code k-1} multiplies the current step.
     */
    private INDArray kernel2d(INDArray w) {
        return w.reshape('c', kernel * nIn, nOut);
    }

    /**
     * Pre-activation into {@code z} ({@code [batch * steps, nOut]}) from {@code in} (NCW), through {@code cols}
     * ({@code [batch * steps, k * nIn]}, zero where the shifted views are padded).
     */
    private void preActivation(INDArray in, INDArray cols, INDArray z, boolean training, LayerWorkspaceMgr mgr) {
        INDArray w = kernel2d(getParamWithNoise(W, training, mgr));
        INDArray b = getParamWithNoise(B, training, mgr);
        INDArray x3 = in.permute(0, 2, 1); // [batch, steps, nIn]
        INDArray cols3 = cols.reshape('c', batch, steps, kernel * nIn);
        for (int j = 0; j < kernel; j++) {
            long s = shift(j);
            if (s < steps) {
                block(cols3, s, steps, j).assign(stepRange(x3, 0, steps - s));
            }
        }
        Nd4j.gemm(cols, w, z, false, false, 1.0, 0.0);
        z.addiRowVector(b.reshape(nOut));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        checkInput();
        applyDropOutIfNecessary(training, mgr);
        INDArray in = input.castTo(dataType);
        long b = in.size(0);
        long t = in.size(2);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {b, t, nOut}, 'c');
        INDArray out2 = out.reshape(b * t, nOut);
        if (training) {
            trainingShape(b, t);
            preActivation(in, cols, z2, true, mgr);
            out2.assign(z2);
            keptInput = input;
        } else {
            keptInput = null;
            batch = b;
            steps = t;
            // zeroed: the padded rows of each shifted view must be 0
            preActivation(in, mgr.create(ArrayType.FF_WORKING_MEM, dataType, new long[] {b * t, kernel * nIn}, 'c'),
                    out2, false, mgr);
        }
        layerConf().getActivationFn().getActivation(out2, training);
        return out.permute(0, 2, 1);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        checkInput();
        if (keptInput != input) {
            activate(true, mgr); // the kept forward pass is stale (or was an inference pass): redo it
        }
        keptInput = null; // z2 becomes dL/dz below
        INDArray dz = layerConf().getActivationFn().backprop(z2, epsilonBatchMajor(epsilon, mgr)).getFirst();

        INDArray gradB = gradientViews.get(B);
        gradB.assign(dz.sum(0).reshape(gradB.shape()));
        Nd4j.gemm(cols, dz, kernel2d(gradientViews.get(W)), true, false, 1.0, 0.0);
        INDArray dcols = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {batch * steps, kernel * nIn}, 'c');
        Nd4j.gemm(dz, kernel2d(getParamWithNoise(W, true, mgr)), dcols, false, true, 1.0, 0.0);

        INDArray eps = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {batch, nIn, steps}, 'c');
        INDArray e3 = eps.permute(0, 2, 1); // [batch, steps, nIn]
        INDArray dcols3 = dcols.reshape('c', batch, steps, kernel * nIn);
        // Tap k-1 (shift 0) reaches every step; tap j reaches the steps before T - s.
        e3.assign(block(dcols3, 0, steps, kernel - 1));
        for (int j = kernel - 2; j >= 0; j--) {
            long s = shift(j);
            if (s < steps) {
                stepRange(e3, 0, steps - s).addi(block(dcols3, s, steps, j));
            }
        }
        eps = backpropDropOutIfPresent(eps);

        Gradient g = new DefaultGradient();
        g.setGradientFor(B, gradB);
        g.setGradientFor(W, gradientViews.get(W), 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, eps);
    }

    /** dL/d output, NCW, as a {@code [batch * steps, nOut]} copy. */
    private INDArray epsilonBatchMajor(INDArray epsilon, LayerWorkspaceMgr mgr) {
        if (epsilon.rank() != 3 || epsilon.size(0) != batch || epsilon.size(1) != nOut || epsilon.size(2) != steps) {
            throw new IllegalArgumentException("CausalConv1D (layer " + getIndex() + ") expects dL/d output [" + batch
                    + ", " + nOut + ", " + steps + "], got " + java.util.Arrays.toString(epsilon.shape()));
        }
        INDArray dy2 = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[] {batch * steps, nOut}, 'c');
        dy2.reshape('c', batch, steps, nOut).assign(epsilon.permute(0, 2, 1));
        return dy2;
    }
}
