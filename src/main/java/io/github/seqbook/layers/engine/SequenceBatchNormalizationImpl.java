package io.github.seqbook.layers.engine;

import java.util.Arrays;

import io.github.seqbook.layers.SequenceBatchNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of {@link SequenceBatchNormalization} on {@code [batch, features, steps]} (NCW) input.
 *
 * <p>Training: the input is copied into an array {@code x} of this object laid out {@code [steps, features, batch]}
 * (a copy per step that transposes the recurrent layers' time-major {@code [batch, features]} blocks, block by
 * block), and a recorded {@link OpTape} computes, per feature,
 * {@code mean = (1/n) Σ x} and {@code var = (1/n) Σ (x - mean)²} over steps and batch ({@code n = batch * steps};
 * each sum is two products with constant vectors: over steps, then over the batch),
 * {@code x̂ = (x - mean) / sqrt(var + eps)} and {@code y = gamma ⊙ x̂ + beta}: 11 ops. The backward tape computes
 * {@code dbeta = Σ dy}, {@code dgamma = Σ dy ⊙ x̂},
 * {@code dx = gamma / sqrt(var + eps) ⊙ (dy - dbeta/n - x̂ ⊙ dgamma/n)} and, as DL4J's {@code BatchNormalization}
 * does, the moving statistics' "gradients" {@code (moving - batch) * (1 - decay)}, which DL4J's no-op updater
 * subtracts from the moving mean and variance: 17 ops. Both tapes are recorded once per batch shape on arrays
 * allocated outside DL4J's workspaces and read the parameter and gradient views directly (they are recorded again
 * if DL4J replaces the views). Per batch, apart from the tapes, only the input, output, dL/d output and dL/d input
 * are copied.
 *
 * <p>Inference uses the moving statistics with a few plain ND4J ops in DL4J's workspaces, so a large validation
 * batch leaves no buffers of its size behind.
 */
public final class SequenceBatchNormalizationImpl extends BaseLayer<SequenceBatchNormalization> {
    private static final String GAMMA = BatchNormalizationParamInitializer.GAMMA;
    private static final String BETA = BatchNormalizationParamInitializer.BETA;
    private static final String MEAN = BatchNormalizationParamInitializer.GLOBAL_MEAN;
    private static final String VAR = BatchNormalizationParamInitializer.GLOBAL_VAR;
    private static final String[] KEYS = {GAMMA, BETA, MEAN, VAR};

    private final long features;
    private final double eps;
    private final double decay;

    // The training shape the buffers and tapes were made for.
    private long batch = -1;
    private long steps = -1;
    /** The flat buffers behind {@link #x}, {@link #xhat}, {@link #y} and {@link #dy}. */
    private INDArray[] buffers;
    /** Input {@code [steps, features, batch]}; becomes {@code x - mean}. */
    private INDArray x;
    /** Normalized input {@code x̂}, same layout (the squares of {@code x - mean} while forward runs). */
    private INDArray xhat;
    /** Output, same layout. */
    private INDArray y;
    /** dL/d output, becomes dL/d input, same layout. */
    private INDArray dy;
    /** Batch mean, batch (biased) variance and {@code 1 / sqrt(var + eps)}, each {@code [features, 1]}. */
    private INDArray batchMean;
    private INDArray batchVar;
    private INDArray inv;
    private OpTape forwardTape;
    private OpTape backwardTape;
    /** The parameter views the forward and backward tapes read, and the gradient views the backward tape writes. */
    private final INDArray[] recordedParams = new INDArray[KEYS.length];
    private final INDArray[] recordedGrads = new INDArray[KEYS.length];
    /** The input the kept training pass was computed from; null when there is none to reuse. */
    private INDArray keptInput;

    public SequenceBatchNormalizationImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        SequenceBatchNormalization c = (SequenceBatchNormalization) conf.getLayer();
        this.features = c.getNOut();
        this.eps = c.getEps();
        this.decay = c.getDecay();
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /** As DL4J's batch normalization: the moving statistics' updates are not divided by the minibatch size. */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !(MEAN.equals(paramName) || VAR.equals(paramName)
                || BatchNormalizationParamInitializer.GLOBAL_LOG_STD.equals(paramName));
    }

    @Override
    public void fit(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("SequenceBatchNormalization is trained through its network");
    }

    private void checkInput() {
        assertInputSet(false);
        if (input.rank() != 3 || input.size(1) != features) {
            throw new IllegalArgumentException("SequenceBatchNormalization (layer " + getIndex() + "): input must be "
                    + "[batch, " + features + ", steps] (NCW, " + features + " features), got shape "
                    + Arrays.toString(input.shape()));
        }
        if (maskArray != null) {
            throw new UnsupportedOperationException("SequenceBatchNormalization (layer " + getIndex()
                    + ") does not support masks");
        }
    }

    /** Parameter {@code key} as a {@code [features, 1]} view. */
    private INDArray param(String key) {
        return getParam(key).reshape(features, 1);
    }

    /** The gradient view of {@code key} as {@code [features, 1]}. */
    private INDArray grad(String key) {
        return gradientViews.get(key).reshape(features, 1);
    }

    /**
     * Records {@code out = scale * Σ_{t,b} a[t, :, b]} ({@code [features, 1]}) for {@code a} of
     * {@code [steps, features, batch]}: a product over steps, then one over the batch.
     */
    private void recordSum(OpTape ops, INDArray a, double scale, INDArray out) {
        INDArray perFeatureAndSample = ops.scratch("bn.sums", 1, features * batch);
        ops.gemm(ops.constant(1.0, 1, steps), a.reshape(steps, features * batch), perFeatureAndSample, false, false, false);
        ops.gemm(perFeatureAndSample.reshape(features, batch), ops.constant(scale, batch, 1), out, false, false, false);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        checkInput();
        INDArray in = input.castTo(dataType);
        long b = in.size(0);
        long t = in.size(2);
        if (training) {
            prepareForward(b, t);
            // a time-major input (a recurrent layer's output) is a transpose per step: copied block by block
            BlockTransposeCopy.copy(in.permute(2, 1, 0), x);
            forwardTape.run();
            // The output time-major ([steps, batch, features], c order, seen as NCW), as the recurrent layers hand
            // theirs: the recurrent and output layers after read it in place (DL4J's output layer copied it
            // element by element into its [steps * batch, features] matrix). Values are copied, not computed.
            INDArray timeMajor = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {t, b, features},
                    'c');
            BlockTransposeCopy.copy(y, timeMajor.permute(0, 2, 1));
            keptInput = input;
            return timeMajor.permute(1, 2, 0);
        }
        keptInput = null;
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {b, features, t}, 'f');
        // DL4J's order: (x - mean) / sqrt(var + eps) * gamma + beta
        out.assign(in);
        INDArray std = Transforms.sqrt(getParam(VAR).reshape(features).add(eps), false);
        var ex = Nd4j.getExecutioner();
        ex.exec(new BroadcastSubOp(out, getParam(MEAN).reshape(features), out, 1));
        ex.exec(new BroadcastDivOp(out, std, out, 1));
        ex.exec(new BroadcastMulOp(out, getParam(GAMMA).reshape(features), out, 1));
        ex.exec(new BroadcastAddOp(out, getParam(BETA).reshape(features), out, 1));
        return out;
    }

    /** Buffers and forward tape for a training batch of {@code b} sequences of {@code t} steps. */
    private void prepareForward(long b, long t) {
        boolean sameParams = true;
        for (int i = 0; i < KEYS.length; i++) {
            sameParams &= recordedParams[i] == getParam(KEYS[i]);
        }
        if (b == batch && t == steps && sameParams && forwardTape != null) {
            return;
        }
        closeTapes();
        batch = b;
        steps = t;
        long n = b * t;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (buffers == null || buffers[0].length() != n * features || buffers[0].dataType() != dataType) {
                // free the previous shape's buffers now rather than when the garbage collector gets to them
                if (buffers != null) {
                    for (INDArray a : buffers) {
                        a.close();
                    }
                }
                buffers = new INDArray[4];
                for (int i = 0; i < buffers.length; i++) {
                    buffers[i] = Nd4j.create(dataType, n * features);
                }
            }
            if (batchMean == null) {
                batchMean = Nd4j.create(dataType, features, 1);
                batchVar = Nd4j.create(dataType, features, 1);
                inv = Nd4j.create(dataType, features, 1);
            }
            // Views of this shape on the buffers (same rows, another split reuses them).
            x = buffers[0].reshape(t, features, b);
            xhat = buffers[1].reshape(t, features, b);
            y = buffers[2].reshape(t, features, b);
            dy = buffers[3].reshape(t, features, b);
            for (int i = 0; i < KEYS.length; i++) {
                recordedParams[i] = getParam(KEYS[i]);
            }
            OpTape ops = new OpTape(dataType);
            recordSum(ops, x, 1.0 / n, batchMean);
            ops.sub(x, batchMean, x);
            ops.mul(x, x, xhat);
            recordSum(ops, xhat, 1.0 / n, batchVar);
            ops.addScalar(batchVar, eps, inv);
            ops.rsqrt(inv, inv);
            ops.mul(x, inv, xhat);
            ops.mul(xhat, param(GAMMA), y);
            ops.add(y, param(BETA), y);
            forwardTape = ops;
        }
    }

    /** The backward tape for the current shape, recorded again if DL4J replaced the gradient views. */
    private void prepareBackward() {
        boolean sameGrads = true;
        for (int i = 0; i < KEYS.length; i++) {
            sameGrads &= recordedGrads[i] == gradientViews.get(KEYS[i]);
        }
        if (backwardTape != null && sameGrads) {
            return;
        }
        if (backwardTape != null) {
            backwardTape.close();
        }
        long n = batch * steps;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < KEYS.length; i++) {
                recordedGrads[i] = gradientViews.get(KEYS[i]);
            }
            OpTape ops = new OpTape(dataType);
            INDArray tmp = ops.scratch("bn.tmp", steps, features, batch);
            INDArray s = ops.scratch("bn.s", features, 1);
            INDArray dGamma = grad(GAMMA);
            INDArray dBeta = grad(BETA);
            recordSum(ops, dy, 1.0, dBeta);
            ops.mul(dy, xhat, tmp);
            recordSum(ops, tmp, 1.0, dGamma);
            // dx = gamma * inv * (dy - dbeta/n - x̂ * dgamma/n)
            ops.scale(dGamma, 1.0 / n, s);
            ops.mul(xhat, s, tmp);
            ops.sub(dy, tmp, dy);
            ops.scale(dBeta, 1.0 / n, s);
            ops.sub(dy, s, dy);
            ops.mul(inv, param(GAMMA), s);
            ops.mul(dy, s, dy);
            // DL4J's moving statistics: moving -= (moving - batch) * (1 - decay), applied by the updater
            ops.sub(param(MEAN), batchMean, grad(MEAN));
            ops.scale(grad(MEAN), 1 - decay, grad(MEAN));
            ops.sub(param(VAR), batchVar, grad(VAR));
            ops.scale(grad(VAR), 1 - decay, grad(VAR));
            backwardTape = ops;
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        checkInput();
        if (keptInput != input) {
            activate(true, mgr); // the kept forward pass is stale (or was an inference pass): redo it
        }
        keptInput = null; // dy becomes dL/dx below
        if (epsilon.rank() != 3 || epsilon.size(0) != batch || epsilon.size(1) != features || epsilon.size(2) != steps) {
            throw new IllegalArgumentException("SequenceBatchNormalization (layer " + getIndex() + "): epsilon must be ["
                    + batch + ", " + features + ", " + steps + "], got " + Arrays.toString(epsilon.shape()));
        }
        prepareBackward();
        BlockTransposeCopy.copy(epsilon.castTo(dataType).permute(2, 1, 0), dy);
        backwardTape.run();
        INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {batch, features, steps}, 'f');
        dx.permute(2, 1, 0).assign(dy);

        Gradient g = new DefaultGradient();
        for (String key : KEYS) {
            g.setGradientFor(key, gradientViews.get(key));
        }
        return new Pair<>(g, dx);
    }

    private void closeTapes() {
        if (forwardTape != null) {
            forwardTape.close();
            forwardTape = null;
        }
        if (backwardTape != null) {
            backwardTape.close();
            backwardTape = null;
        }
    }
}
