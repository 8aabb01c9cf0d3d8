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
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of {@link SequenceBatchNormalization} on {@code [batch, features, steps]} (NCW) input.
 *
 * <p>Training: the input is copied into a time-major {@code [steps * batch, features]} array {@code x} of this
 * object, and a recorded {@link OpTape} computes, per feature, {@code mean = (1/n) 1ᵀx} and
 * {@code var = (1/n) 1ᵀ(x - mean)²} (reductions as products with a constant row, {@code n = batch * steps}),
 * {@code x̂ = (x - mean) / sqrt(var + eps)} and {@code y = gamma ⊙ x̂ + beta}: 9 ops. The backward tape computes
 * {@code dbeta = 1ᵀdy}, {@code dgamma = 1ᵀ(dy ⊙ x̂)}, {@code dx = gamma / sqrt(var + eps) ⊙ (dy - dbeta/n - x̂ ⊙ dgamma/n)}
 * and, as DL4J's {@code BatchNormalization} does, the moving statistics' "gradients"
 * {@code (moving - batch) * (1 - decay)}, which DL4J's no-op updater subtracts from the moving mean and variance:
 * 14 ops. Both tapes are recorded once per batch shape on arrays allocated outside DL4J's workspaces and read the
 * parameter and gradient views directly (they are re-recorded if DL4J replaces the views). Per batch, apart from the
 * tapes, only the input, output, dL/d output and dL/d input are copied.
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
    /** Input rows, time-major {@code [steps * batch, features]}; becomes {@code x - mean}. */
    private INDArray x;
    /** Normalized input {@code x̂}, {@code [n, features]} (the squares of {@code x - mean} while forward runs). */
    private INDArray xhat;
    /** Output {@code [n, features]}. */
    private INDArray y;
    /** dL/d output, becomes dL/d input, {@code [n, features]}. */
    private INDArray dy;
    /** Batch mean, batch (biased) variance and {@code 1 / sqrt(var + eps)}, each {@code [1, features]}. */
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

    /** Parameter {@code key} as a {@code [1, features]} view. */
    private INDArray param(String key) {
        return getParam(key).reshape(1, features);
    }

    private INDArray grad(String key) {
        return gradientViews.get(key).reshape(1, features);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        checkInput();
        INDArray in = input.castTo(dataType);
        long b = in.size(0);
        long t = in.size(2);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {t, b, features}, 'c');
        INDArray out2 = out.reshape(t * b, features);
        if (training) {
            prepareForward(b, t);
            x.reshape(t, b, features).assign(in.permute(2, 0, 1));
            forwardTape.run();
            out2.assign(y);
            keptInput = input;
        } else {
            keptInput = null;
            // DL4J's order: (x - mean) / sqrt(var + eps) * gamma + beta
            out.assign(in.permute(2, 0, 1));
            INDArray std = Transforms.sqrt(param(VAR).add(eps), false);
            out2.subiRowVector(param(MEAN)).diviRowVector(std).muliRowVector(param(GAMMA))
                    .addiRowVector(param(BETA));
        }
        return out.permute(1, 2, 0);
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
            if (x == null || x.size(0) != n || x.dataType() != dataType) {
                x = Nd4j.create(dataType, n, features);
                xhat = Nd4j.create(dataType, n, features);
                y = Nd4j.create(dataType, n, features);
                dy = Nd4j.create(dataType, n, features);
            }
            if (batchMean == null) {
                batchMean = Nd4j.create(dataType, 1, features);
                batchVar = Nd4j.create(dataType, 1, features);
                inv = Nd4j.create(dataType, 1, features);
            }
            for (int i = 0; i < KEYS.length; i++) {
                recordedParams[i] = getParam(KEYS[i]);
            }
            OpTape ops = new OpTape(dataType);
            INDArray meanRow = ops.constant(1.0 / n, 1, n);
            ops.gemm(meanRow, x, batchMean, false, false, false);
            ops.sub(x, batchMean, x);
            ops.mul(x, x, xhat);
            ops.gemm(meanRow, xhat, batchVar, false, false, false);
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
            INDArray ones = ops.constant(1.0, 1, n);
            INDArray tmp = ops.scratch("bn.tmp", n, features);
            INDArray s = ops.scratch("bn.s", 1, features);
            INDArray dGamma = grad(GAMMA);
            INDArray dBeta = grad(BETA);
            ops.gemm(ones, dy, dBeta, false, false, false);
            ops.mul(dy, xhat, tmp);
            ops.gemm(ones, tmp, dGamma, false, false, false);
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
        dy.reshape(steps, batch, features).assign(epsilon.castTo(dataType).permute(2, 0, 1));
        backwardTape.run();
        INDArray eps3 = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {steps, batch, features}, 'c');
        eps3.reshape(steps * batch, features).assign(dy);

        Gradient g = new DefaultGradient();
        for (String key : KEYS) {
            g.setGradientFor(key, gradientViews.get(key));
        }
        return new Pair<>(g, eps3.permute(1, 2, 0));
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
