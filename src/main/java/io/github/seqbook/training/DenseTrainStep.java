package io.github.seqbook.training;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.seqbook.keras.HuberLoss;
import io.github.seqbook.layers.FlattenSequence;
import io.github.seqbook.layers.engine.OpTape;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Keras' {@code train_step} for the chapter's linear models ("Baseline metrics", notebook 05's linear model): a
 * network that is one dense output layer, after an optional {@code Flatten} of the window. One step does what
 * {@code MultiLayerNetwork.fit(x, y)} does (forward pass, loss, gradients, the network's own DL4J updater, parameter
 * update, iteration count) on the network's own parameter, gradient and updater-state arrays, so the network stays a
 * normal DL4J network before, during and after; only the arithmetic runs as ops recorded once per batch size and then
 * replayed ({@link OpTape}).
 *
 * <p>Why: such a model has 51 parameters, and DL4J's generic fit spends about 0.3-0.5 ms a batch in some 22 ND4J
 * calls (validation, workspaces, an output recomputed for the score, an input gradient nobody needs, copies), 7x
 * PyTorch's time per epoch; the replayed step is about 10 ops.
 *
 * <p>Supported: {@code OutputLayer} with identity activation, a bias, MSE, MAE or Huber loss, no dropout, weight
 * noise, regularization, constraints or gradient clipping, SGD-type optimization with any DL4J updater (Adam, SGD
 * with momentum, ...), no listeners; input {@code [batch, features]}, or {@code [batch, channels, steps]} (NCW)
 * through {@link FlattenSequence}. {@link #of(Model)} returns empty for anything else, and {@link Training#fit}
 * then uses DL4J's own fit.
 */
final class DenseTrainStep implements AutoCloseable {
    private enum LossKind { MSE, MAE, HUBER }

    private final MultiLayerNetwork net;
    private final LossKind loss;
    private final double delta;
    private final int channels; // 0: rank-2 input; else the FlattenSequence's channels
    private final long features;
    private final long outputs;
    private final INDArray weights;      // [features, outputs], f-order view of the network's parameters
    private final INDArray bias;         // [1, outputs] view
    private final INDArray weightGrad;   // views of the network's gradient array, same layouts
    private final INDArray biasGrad;
    private final INDArray params;       // the network's flat parameter and gradient arrays
    private final INDArray gradients;
    private final OpTape applyUpdate;
    private final List<UpdaterBlock> blocks;
    private final Map<Long, Recording> recordings = new HashMap<>();

    /** The recorded step for one batch size: the batch is copied into {@code x}, {@code y}, then the tape runs. */
    private record Recording(OpTape tape, INDArray x, INDArray y, INDArray lossSum) {
    }

    private DenseTrainStep(MultiLayerNetwork net, LossKind loss, double delta, int channels) {
        this.net = net;
        this.loss = loss;
        this.delta = delta;
        this.channels = channels;
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView(); // DL4J creates it lazily, at the first fit
        }
        org.deeplearning4j.nn.api.Layer layer = net.getLayer(0);
        weights = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        bias = layer.getParam(DefaultParamInitializer.BIAS_KEY).reshape('c', 1, -1); // DL4J keeps it rank 1
        features = weights.size(0);
        outputs = weights.size(1);
        Map<String, INDArray> grads = DefaultParamInitializer.getInstance()
                .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
        weightGrad = grads.get(DefaultParamInitializer.WEIGHT_KEY);
        biasGrad = grads.get(DefaultParamInitializer.BIAS_KEY).reshape('c', 1, -1);
        params = net.params().reshape('c', 1, -1);
        gradients = net.getFlattenedGradients().reshape('c', 1, -1);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            applyUpdate = new OpTape(DataType.FLOAT);
            applyUpdate.sub(params, gradients, params); // DL4J's step function: params -= update
        }
        blocks = ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks();
    }

    /** The step for {@code model}, or empty when it is not a network this step computes exactly (see the class). */
    static Optional<DenseTrainStep> of(Model model) {
        if (!(model instanceof MultiLayerNetwork net) || net.getnLayers() != 1 || net.params() == null
                || (net.getListeners() != null && !net.getListeners().isEmpty())) {
            return Optional.empty();
        }
        var conf = net.getLayerWiseConfigurations();
        if (conf.getBackpropType() != BackpropType.Standard || !conf.getConf(0).isMiniBatch()
                || conf.getConf(0).getOptimizationAlgo() != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT
                || conf.getConf(0).getStepFunction() != null) {
            return Optional.empty();
        }
        if (!(conf.getConf(0).getLayer() instanceof OutputLayer out) || !out.hasBias()
                || !(out.getActivationFn() instanceof ActivationIdentity) || out.getIDropout() != null
                || out.getWeightNoise() != null || (out.getConstraints() != null && !out.getConstraints().isEmpty())
                || !out.getRegularization().isEmpty() || !out.getRegularizationBias().isEmpty()
                || (out.getGradientNormalization() != null && out.getGradientNormalization() != GradientNormalization.None)
                || net.params().dataType() != DataType.FLOAT) {
            return Optional.empty();
        }
        ILossFunction fn = out.getLossFn();
        LossKind kind;
        double delta = Double.NaN;
        if (fn instanceof LossMSE mse && mse.getWeights() == null) {
            kind = LossKind.MSE;
        } else if (fn instanceof LossMAE mae && mae.getWeights() == null) {
            kind = LossKind.MAE;
        } else if (fn instanceof HuberLoss huber) {
            kind = LossKind.HUBER;
            delta = huber.getDelta();
        } else {
            return Optional.empty();
        }
        InputPreProcessor pre = conf.getInputPreProcess(0);
        int channels;
        if (pre == null) {
            channels = 0;
        } else if (pre instanceof FlattenSequence flatten) {
            channels = flatten.getChannels();
        } else {
            return Optional.empty();
        }
        return Optional.of(new DenseTrainStep(net, kind, delta, channels));
    }

    /**
     * One training step on a batch, as {@code net.fit(x, y)}: updates the network's parameters and updater state,
     * counts the iteration and sets the network's score.
     *
     * @param x the batch's inputs, {@code [batch, features]} or NCW {@code [batch, channels, steps]}
     * @param y the batch's targets, {@code [batch, outputs]}
     * @return the batch's loss (DL4J's score: the mean over the batch and the outputs)
     */
    double fit(INDArray x, INDArray y) {
        long batch = x.size(0);
        Recording r = recordings.computeIfAbsent(batch, this::record);
        if (channels == 0) {
            r.x().assign(x);
        } else {
            // Keras' flatten order: time-major, then channel
            r.x().reshape('c', batch, features / channels, channels).assign(x.permute(0, 2, 1));
        }
        r.y().assign(y);
        r.tape().run();
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        for (UpdaterBlock block : blocks) {
            block.update(iteration, epoch);
        }
        applyUpdate.run();
        BaseOptimizer.incrementIterationCount(net, 1);
        double score = r.lossSum().getDouble(0) / (batch * outputs);
        net.setScore(score);
        return score;
    }

    private Recording record(long batch) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            OpTape tape = new OpTape(DataType.FLOAT);
            INDArray x = Nd4j.create(DataType.FLOAT, batch, features);
            INDArray y = Nd4j.create(DataType.FLOAT, batch, outputs);
            INDArray z = Nd4j.create(DataType.FLOAT, batch, outputs);
            INDArray error = Nd4j.create(DataType.FLOAT, batch, outputs);
            INDArray dz = Nd4j.create(DataType.FLOAT, batch, outputs);
            INDArray lossSum = Nd4j.create(DataType.FLOAT, 1, 1);
            long n = batch * outputs;
            // forward: z = x W + b
            tape.gemm(x, weights, z, false, false, false);
            tape.gemm(tape.constant(1.0, batch, 1), bias, z, false, false, true);
            tape.sub(z, y, error);
            INDArray errorRow = error.reshape('c', 1, n);
            INDArray errorColumn = error.reshape('c', n, 1);
            // loss sum and dL/dz, already divided by the batch size as DL4J's updater does
            switch (loss) {
                case MSE -> {
                    tape.gemm(errorRow, errorColumn, lossSum, false, false, false);
                    tape.scale(error, 2.0 / n, dz);
                }
                case MAE -> {
                    INDArray sign = Nd4j.create(DataType.FLOAT, batch, outputs);
                    tape.sign(error, sign);
                    tape.gemm(sign.reshape('c', 1, n), errorColumn, lossSum, false, false, false);
                    tape.scale(sign, 1.0 / n, dz);
                }
                case HUBER -> {
                    // with g = clip(e, -delta, delta): loss = g (e - g / 2) in both the quadratic and linear parts
                    INDArray clipped = Nd4j.create(DataType.FLOAT, batch, outputs);
                    INDArray half = Nd4j.create(DataType.FLOAT, batch, outputs);
                    tape.clip(error, -delta, delta, clipped);
                    tape.scale(clipped, 0.5, half);
                    tape.sub(error, half, half);
                    tape.gemm(clipped.reshape('c', 1, n), half.reshape('c', n, 1), lossSum, false, false, false);
                    tape.scale(clipped, 1.0 / n, dz);
                }
                default -> throw new IllegalStateException(loss.toString());
            }
            // backward: dW = x^T dz (written through the transposed, c-order view of the f-order gradient), db = 1^T dz
            tape.gemm(dz, x, weightGrad.transpose(), true, false, false);
            tape.sumRows(dz, biasGrad, false);
            return new Recording(tape, x, y, lossSum);
        }
    }

    @Override
    public void close() {
        recordings.values().forEach(r -> r.tape().close());
        recordings.clear();
        applyUpdate.close();
    }
}
