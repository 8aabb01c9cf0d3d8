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
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The computation of {@link CausalConv1D}: {@code y[t] = act(b + sum_j W_j x[t - s_j])}, tap {@code j} shifted by
 * {@code s_j = (k-1-j) * dilation} steps (zeros before step 0), with DL4J's parameters (kernel read as
 * {@code [k * channels, filters]}). It is not bit for bit DL4J's result (measured on the book's WaveNet: outputs
 * about 1e-8 apart in float, parameters 1e-8 apart after two Adam steps): the products and the weight-gradient
 * reduction run in another order.
 *
 * <p><b>Training (the fast path).</b> With a linear, ReLU, tanh or sigmoid activation and no weight noise, a training
 * pass works time-major ({@code [steps * batch, channels]}, row {@code t * batch + n}), where the input {@code s}
 * steps back is the same matrix {@code s * batch} rows up: tap {@code j} is one matrix product on a row range, no
 * im2col copies. The ops of the forward and backward passes are recorded once per batch shape on {@link OpTape}s
 * and replayed (a few microseconds per op instead of 15 to 25 for a fresh ND4J call): forward {@code k} products,
 * bias, activation ({@code k + 2} ops, {@code k + 1} when linear); backward activation derivative (0 to 2 ops),
 * bias gradient, {@code 2k} products. The tapes read DL4J's parameter array and write DL4J's gradient views
 * directly, and read and write DL4J's per-pass arrays (input, output, dL/d output, dL/d input) in place, rebound
 * every pass; the output and dL/d input are time-major arrays seen as NCW, so consecutive {@code CausalConv1D}
 * layers hand each other their arrays without a copy. An input or dL/d output in another layout (the network's
 * input, a loss layer's gradient) costs one copy.
 *
 * <p><b>Otherwise</b> (inference on a batch shape that has no tape, e.g. a large validation batch, other activations,
 * weight noise), the input's {@code k} shifted views are copied side by side into DL4J's im2col array ({@code
 * [batch * steps, k * channels]}, in DL4J's workspaces, so a large validation batch leaves no buffers of its size
 * behind) and multiplied by the kernel in one product; backward is that product transposed.
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

    /** Tapes of the fast path, by batch shape: at most {@link #MAX_TAPES} (an epoch's last, smaller batch and the rest). */
    private final java.util.LinkedHashMap<Long, Tapes> tapes = new java.util.LinkedHashMap<>();
    private static final int MAX_TAPES = 2;
    /** Tapes of the last fast training pass, kept for its backward pass; null when stale. */
    private Tapes keptTapes;

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

    /**
     * DL4J's input dropout draws its mask in the input's memory order: a time-major input (what the library's
     * recurrent and batch-normalization layers hand over) is first copied to DL4J's f order, so that a seed draws
     * the masks it draws after DL4J's layers.
     */
    @Override
    protected void applyDropOutIfNecessary(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (training && !dropoutApplied && layerConf().getIDropout() != null && input != null && input.rank() == 3) {
            input = StepArray.forDl4jDropout(input, input.permute(2, 0, 1), workspaceMgr);
        }
        super.applyDropOutIfNecessary(training, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        checkInput();
        applyDropOutIfNecessary(training, mgr);
        keptTapes = null;
        if (fastPath()) {
            long b = input.size(0);
            long t = input.size(2);
            // Inference replays the training tapes of its shape if there are any (no buffers for a large batch).
            Tapes tp = training ? tapesFor(b, t) : tapes.get(b * 1_000_003L + t);
            if (tp != null && tp.current()) {
                INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {t, b, nOut}, 'c');
                tp.forward(input.castTo(dataType), out);
                batch = b;
                steps = t;
                keptInput = training ? input : null;
                keptTapes = training ? tp : null;
                return out.permute(1, 2, 0);
            }
        }
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
        if (keptTapes != null) {
            Tapes tp = keptTapes;
            keptTapes = null;
            if (epsilon.rank() != 3 || epsilon.size(0) != batch || epsilon.size(1) != nOut || epsilon.size(2) != steps) {
                throw new IllegalArgumentException("CausalConv1D (layer " + getIndex() + ") expects dL/d output [" + batch
                        + ", " + nOut + ", " + steps + "], got " + java.util.Arrays.toString(epsilon.shape()));
            }
            INDArray eps = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {steps, batch, nIn}, 'c');
            tp.backward(epsilon.castTo(dataType), eps);
            Gradient g = new DefaultGradient();
            g.setGradientFor(B, gradientViews.get(B));
            g.setGradientFor(W, gradientViews.get(W), 'c');
            // summable: when the input feeds other vertices too, DL4J's graph adds their dL/d input into this one
            return new Pair<>(g, backpropDropOutIfPresent(DenseLayout.summable(eps.permute(1, 2, 0))));
        }
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

    /**
     * Batch shapes whose forward and backward passes are recorded on tapes (at most 2): 0 until a training pass
     * has run on the fast path. For tests and diagnostics.
     */
    public int tapedShapes() {
        return tapes.size();
    }

    /**
     * The fast path applies: gradient views to write, an activation the tapes know and no weight noise (whose
     * weights change every pass).
     */
    private boolean fastPath() {
        // DL4J sets the gradient views (which the backward tape writes) before the first gradient computation.
        return gradientViews != null && gradientViews.get(W) != null && layerConf().getWeightNoise() == null && tapedActivation(layerConf().getActivationFn()) != null;
    }

    /** "identity", "relu", "tanh", "sigmoid", or null for an activation the tapes do not record. */
    private static String tapedActivation(IActivation a) {
        if (a instanceof ActivationIdentity) {
            return "identity";
        }
        if (a instanceof ActivationReLU r) {
            boolean plain = r.getMax() == null && (r.getThreshold() == null || r.getThreshold() == 0.0)
                    && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0.0);
            return plain ? "relu" : null;
        }
        if (a instanceof ActivationTanH) {
            return "tanh";
        }
        if (a instanceof ActivationSigmoid) {
            return "sigmoid";
        }
        return null;
    }

    /**
     * The tapes for a batch of {@code b} sequences of {@code t} steps, recorded now if needed; they are re-recorded
     * when DL4J has replaced the parameter or gradient arrays they read and write.
     */
    private Tapes tapesFor(long b, long t) {
        long key = b * 1_000_003L + t;
        Tapes tp = tapes.get(key);
        if (tp != null && !tp.current()) {
            tapes.remove(key).close();
            tp = null;
        }
        if (tp == null) {
            if (tapes.size() >= MAX_TAPES) {
                Long oldest = tapes.keySet().iterator().next();
                tapes.remove(oldest).close();
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                tp = new Tapes(b, t);
            }
            tapes.put(key, tp);
        } else {
            tapes.put(key, tapes.remove(key)); // most recently used last
        }
        return tp;
    }

    /**
     * The recorded forward and backward passes for one batch shape, on time-major matrices ({@code [steps * batch,
     * channels]}, row {@code t * batch + n}): tap {@code j} with shift {@code s} multiplies rows {@code [0, (T - s) B)}
     * of the input into rows {@code [s B, T B)} of the pre-activation.
     *
     * <p>Four matrices are DL4J's arrays, new every pass, so the ops that read or write them ("sites") are rebound
     * per pass: the input {@code X} (read directly when it is a time-major array seen as NCW, as this layer returns;
     * otherwise copied into a buffer by the tape's first op), the output {@code Y} (written by the activation and read
     * back by the backward pass), dL/d output {@code DY} (like {@code X}), and dL/d input {@code DX} (written by the
     * products). Between consecutive {@code CausalConv1D} layers nothing is copied.
     */
    private final class Tapes implements AutoCloseable {
        private final INDArray w;
        private final INDArray gradW;
        private final INDArray gradB;
        private final long rows;
        private final OpTape forward;
        private final OpTape backward;
        private final INDArray xBuffer;
        private final INDArray dyBuffer;
        private final java.util.List<Site> xSites = new java.util.ArrayList<>();
        private final java.util.List<Site> ySites = new java.util.ArrayList<>();
        private final java.util.List<Site> dySites = new java.util.ArrayList<>();
        private final java.util.List<Site> dxSites = new java.util.ArrayList<>();
        /** DL4J's arrays of the last pass each way. */
        private final Binding forwardBinding = new Binding();
        private final Binding backwardBinding = new Binding();

        Tapes(long b, long t) {
            String act = tapedActivation(layerConf().getActivationFn());
            rows = b * t;
            w = getParam(W);
            gradW = gradientViews.get(W);
            gradB = gradientViews.get(B);
            INDArray w2 = kernel2d(w);
            INDArray gw2 = kernel2d(gradW);
            INDArray bias = getParam(B).reshape(1, nOut);
            INDArray x = Nd4j.create(dataType, rows, nIn);
            INDArray z = Nd4j.create(dataType, rows, nOut);
            INDArray y = Nd4j.create(dataType, rows, nOut); // stand-in for DL4J's output array
            INDArray dy = Nd4j.create(dataType, rows, nOut);
            INDArray dz = act.equals("identity") ? dy : Nd4j.create(dataType, rows, nOut);
            INDArray dx = Nd4j.create(dataType, rows, nIn); // stand-in for DL4J's dL/d input array
            xBuffer = x;
            dyBuffer = dy;

            forward = new OpTape(dataType);
            // op 0: input NCW [b, nIn, t] -> time-major buffer, when the input is not time-major already
            forward.copy(Nd4j.create(dataType, b, nIn, t).permute(2, 0, 1), x.reshape('c', t, b, nIn));
            forward.gemm(x, tap(w2, kernel - 1), z, false, false, false);
            site(xSites, forward, 0, 0, rows);
            for (int j = kernel - 2; j >= 0; j--) {
                long s = shift(j);
                if (s < t) {
                    forward.gemm(rowRange(x, 0, (t - s) * b), tap(w2, j), rowRange(z, s * b, rows), false, false, true);
                    site(xSites, forward, 0, 0, (t - s) * b);
                }
            }
            if (act.equals("identity")) {
                forward.add(z, bias, y);
            } else {
                forward.add(z, bias, z);
                switch (act) {
                    case "relu" -> forward.relu(z, y);
                    case "tanh" -> forward.tanh(z, y);
                    default -> forward.sigmoid(z, y);
                }
            }
            site(ySites, forward, -1, 0, rows);

            backward = new OpTape(dataType);
            // op 0: dL/d output NCW [b, nOut, t] -> time-major buffer, when it is not time-major already
            backward.copy(Nd4j.create(dataType, b, nOut, t).permute(2, 0, 1), dy.reshape('c', t, b, nOut));
            switch (act) {
                case "relu" -> { // from the output: y > 0 exactly where z > 0
                    backward.reluBackward(y, dy, dz); // two ops: step(y), then times dy
                    ySites.add(new Site(backward, backward.size() - 2, 0, 0, rows));
                    site(dySites, backward, 1, 0, rows);
                }
                case "tanh" -> {
                    backward.oneMinusSquare(y, dz); // two ops: y * y, then 1 - that
                    ySites.add(new Site(backward, backward.size() - 2, 0, 0, rows));
                    ySites.add(new Site(backward, backward.size() - 2, 1, 0, rows));
                    backward.mul(dz, dy, dz);
                    site(dySites, backward, 1, 0, rows);
                }
                case "sigmoid" -> {
                    backward.timesOneMinus(y, dz);
                    site(ySites, backward, 0, 0, rows);
                    backward.mul(dz, dy, dz);
                    site(dySites, backward, 1, 0, rows);
                }
                default -> { } // identity: dL/dz is dL/dy, always copied into its buffer
            }
            backward.sumRows(dz, gradB.reshape(1, nOut), false);
            backward.gemm(x, dz, tap(gw2, kernel - 1), true, false, false);
            site(xSites, backward, 0, 0, rows);
            backward.gemm(dz, tap(w2, kernel - 1), dx, false, true, false);
            site(dxSites, backward, -1, 0, rows);
            for (int j = kernel - 2; j >= 0; j--) {
                long s = shift(j);
                if (s < t) {
                    INDArray dzs = rowRange(dz, s * b, rows);
                    backward.gemm(rowRange(x, 0, (t - s) * b), dzs, tap(gw2, j), true, false, false);
                    site(xSites, backward, 0, 0, (t - s) * b);
                    backward.gemm(dzs, tap(w2, j), rowRange(dx, 0, (t - s) * b), false, true, true);
                    site(dxSites, backward, -1, 0, (t - s) * b);
                } else {
                    backward.scale(tap(gw2, j), 0.0, tap(gw2, j)); // the tap sees only padding
                }
            }
        }

        /** Registers the last recorded op of {@code tape} as reading ({@code slot >= 0}) or writing rows of a matrix. */
        private void site(java.util.List<Site> sites, OpTape tape, int slot, long from, long to) {
            sites.add(new Site(tape, tape.size() - 1, slot, from, to));
        }

        /** Rebinds every site to the rows it uses of {@code m} ({@code [rows, channels]}). */
        private void bind(java.util.List<Site> sites, INDArray m) {
            for (Site st : sites) {
                INDArray v = st.from() == 0 && st.to() == rows ? m : rowRange(m, st.from(), st.to());
                if (st.slot() < 0) {
                    st.tape().rebindOutput(st.call(), v);
                } else {
                    st.tape().rebindInput(st.call(), st.slot(), v);
                }
            }
        }

        /** True while DL4J still uses the parameter and gradient arrays the tapes were recorded on. */
        boolean current() {
            return getParam(W) == w && gradientViews.get(W) == gradW && gradientViews.get(B) == gradB;
        }

        /** Output into {@code out} ({@code [t, b, nOut]}, c order) from {@code in} (NCW). */
        void forward(INDArray in, INDArray out) {
            if (forwardBinding.unchanged(in, out)) {
                forward.run(forwardBinding.firstOp());
                return;
            }
            INDArray tm = in.permute(2, 0, 1);
            INDArray direct = StepArray.matrixOf(tm);
            if (direct != null) {
                bind(xSites, direct);
            } else {
                forward.rebindInput(0, 0, tm);
                bind(xSites, xBuffer);
            }
            bind(ySites, out.reshape('c', rows, nOut));
            forwardBinding.bound(direct != null ? 1 : 0);
            forward.run(forwardBinding.firstOp());
        }

        /** dL/d input into {@code eps} ({@code [t, b, nIn]}, c order) from dL/d output {@code epsilon} (NCW). */
        void backward(INDArray epsilon, INDArray eps) {
            if (backwardBinding.unchanged(epsilon, eps)) {
                backward.run(backwardBinding.firstOp());
                return;
            }
            INDArray tm = epsilon.permute(2, 0, 1);
            INDArray direct = dySites.isEmpty() ? null : StepArray.matrixOf(tm);
            if (direct != null) {
                bind(dySites, direct);
            } else {
                backward.rebindInput(0, 0, tm);
                bind(dySites, dyBuffer);
            }
            bind(dxSites, eps.reshape('c', rows, nIn));
            backwardBinding.bound(direct != null ? 1 : 0);
            backward.run(backwardBinding.firstOp());
        }

        @Override
        public void close() {
            forward.close();
            backward.close();
        }
    }

    /** An op of a tape reading input {@code slot} (or, for -1, writing its output) from rows {@code [from, to)}. */
    private record Site(OpTape tape, int call, int slot, long from, long to) {
    }

    /** Rows {@code [j * nIn, (j + 1) * nIn)} of a {@code [k * nIn, nOut]} kernel: tap {@code j}. */
    private INDArray tap(INDArray kernel2d, int j) {
        return rowRange(kernel2d, (long) j * nIn, (j + 1L) * nIn);
    }

    /**
     * Rows {@code [from, to)} of a c-order matrix with contiguous rows, as a view. Built from the buffer, offset and
     * strides: {@code get(interval(...), all())} on a parameter view (which has an offset into DL4J's flat parameter
     * array) returned an empty array here for the second layer's kernel.
     */
    private static INDArray rowRange(INDArray a, long from, long to) {
        if (a.ordering() != 'c' || a.stride(1) != 1) {
            throw new IllegalStateException("rowRange needs c-order rows, got " + a.shapeInfoToString());
        }
        return Nd4j.create(a.data(), new long[] {to - from, a.size(1)}, new long[] {a.stride(0), 1},
                a.offset() + from * a.stride(0), 'c', a.dataType());
    }
}
