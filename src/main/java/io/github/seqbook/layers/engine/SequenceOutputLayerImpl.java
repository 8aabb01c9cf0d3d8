package io.github.seqbook.layers.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation of {@code io.github.seqbook.layers.SequenceOutputLayer}: DL4J's {@code RnnOutputLayer} that, for
 * an input whose memory is time-major ({@code [steps, batch, nIn]}, c order, seen as NCW), multiplies that memory as
 * the {@code [steps * batch, nIn]} matrix DL4J would copy it into (same rows in the same order, row
 * {@code t * batch + n}) and returns dL/d input in the same time-major layout, where DL4J copies it to f order.
 *
 * <p>The ops after the copies are DL4J's, in DL4J's order, on arrays of the same shapes and layouts except the input
 * matrix (c-ordered instead of f-ordered, which BLAS reads with the other transpose flag and multiplies in the same
 * order): pre-output, loss gradient, weight and bias gradients, dL/d input, through {@link OutputLayerPasses} (products
 * through OpenBLAS, the pre-output kept for the score). The labels are copied once per batch, in c order (see
 * {@link #getLabels2d}). {@code SequenceOutputLayerTest} compares every value with DL4J's layer. Anything else (another
 * layout, masks, dropout, weight noise, labels that do not match) goes to DL4J's layer unchanged.
 */
public final class SequenceOutputLayerImpl extends RnnOutputLayer {
    private static final String W = DefaultParamInitializer.WEIGHT_KEY;
    private static final String B = DefaultParamInitializer.BIAS_KEY;

    /**
     * The labels as the {@code [steps * batch, size]} matrix (row {@code t * batch + n}), in c order, the pre-output
     * layout, so that the loss's element-wise ops with it are flat loops (DL4J's f-order copy made them per-element
     * ones); copied once per {@link #setLabels} (DL4J asks for them for the gradients and again for the score).
     * Outside DL4J's workspaces, kept while the shape stays; null when stale.
     */
    private INDArray labelRows;
    private INDArray labelRowsBuffer;
    /** The products, and the pre-output kept for the score DL4J computes right after the backward pass. */
    private final OutputLayerPasses passes = new OutputLayerPasses();

    public SequenceOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean knownLoss() {
        return OutputLayerPasses.knownLoss(layerConf().getLossFn());
    }

    @Override
    public void setLabels(INDArray labels) {
        labelRows = null;
        passes.forget();
        super.setLabels(labels);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        passes.forget();
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        labelRows = null;
        passes.forget();
        super.clear();
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        if (labelRows != null) {
            return labelRows;
        }
        if (labels == null || labels.rank() != 3 || labels.dataType() != dataType
                || layerConf().getRnnDataFormat() != RNNFormat.NCW || !knownLoss()) {
            return super.getLabels2d(workspaceMgr, arrayType);
        }
        long size = labels.size(1);
        labelRowsBuffer = StepArray.reuse(labelRowsBuffer, dataType, 'c', labels.size(0) * labels.size(2), size);
        labelRowsBuffer.reshape('c', labels.size(2), labels.size(0), size).assign(labels.permute(2, 0, 1));
        labelRows = labelRowsBuffer;
        return labelRows;
    }

    /**
     * The input as the {@code [steps * batch, nIn]} matrix of its time-major memory, or null when DL4J's code has to
     * run: not a time-major NCW array of the layer's type, a mask, dropout or weight noise.
     */
    private INDArray timeMajorInput() {
        if (input == null || input.rank() != 3 || input.dataType() != dataType
                || layerConf().getRnnDataFormat() != RNNFormat.NCW || maskArray != null
                || layerConf().getIDropout() != null || layerConf().getWeightNoise() != null) {
            return null;
        }
        return StepArray.matrixOf(input.permute(2, 0, 1));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray rows = timeMajorInput();
        if (rows == null || labels == null || labels.rank() != 3 || labels.size(0) != input.size(0)
                || labels.size(2) != input.size(2)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        long batch = input.size(0);
        long steps = input.size(2);
        INDArray input3d = input;
        input = rows;
        try {
            // DL4J's BaseOutputLayer.backpropGradient, on the 2d input
            INDArray preOut = preOutputRows(true, workspaceMgr);
            if (knownLoss()) {
                passes.keep(preOut, input3d);
            }
            INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM);
            INDArray delta = layerConf().getLossFn().computeGradient(labels2d, preOut, layerConf().getActivationFn(),
                    maskArray);
            Pair<Gradient, INDArray> g = passes.backward(input, delta, gradientViews.get(W),
                    hasBias() ? gradientViews.get(B) : null, getParamWithNoise(W, true, workspaceMgr), workspaceMgr);
            // [steps * batch, nIn] in c order: the time-major layout the layer before works in
            INDArray eps2d = backpropDropOutIfPresent(g.getSecond());
            weightNoiseParams.clear();
            return new Pair<>(g.getFirst(), eps2d.reshape('c', steps, batch, eps2d.size(1)).permute(1, 2, 0));
        } finally {
            input = input3d;
        }
    }

    @Override
    protected INDArray preOutput2d(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray rows = timeMajorInput();
        if (rows == null) {
            return super.preOutput2d(training, workspaceMgr);
        }
        INDArray kept = passes.takeKept(input);
        if (kept != null) {
            return kept; // the score right after the backward pass: same input and parameters
        }
        INDArray input3d = input;
        input = rows;
        try {
            return preOutputRows(training, workspaceMgr);
        } finally {
            input = input3d;
        }
    }

    /** DL4J's {@code BaseLayer.preOutput} on the 2d input {@code [rows, nIn]}, through {@link OutputLayerPasses}. */
    private INDArray preOutputRows(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParamWithNoise(W, training, workspaceMgr);
        if (input.rank() != 2 || input.columns() != w.rows()) {
            return preOutput(training, workspaceMgr); // DL4J's message for the wrong input size
        }
        return passes.preOutput(input, w, hasBias() ? getParamWithNoise(B, training, workspaceMgr) : null,
                workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray rows = timeMajorInput();
        if (rows == null) {
            if (training && layerConf().getIDropout() != null && input != null && input.rank() == 3) {
                // before DL4J's activate applies dropout (training reshapes to 2d first: no difference there)
                input = StepArray.forDl4jDropout(input, input.permute(2, 0, 1), workspaceMgr);
            }
            return super.activate(training, workspaceMgr);
        }
        // DL4J's RnnOutputLayer.activate without the copy of the input
        INDArray b = getParamWithNoise(B, training, workspaceMgr);
        INDArray w = getParamWithNoise(W, training, workspaceMgr);
        INDArray act2d = layerConf().getActivationFn().getActivation(rows.mmul(w).addiRowVector(b), training);
        return TimeSeriesUtils.reshape2dTo3d(act2d, input.size(0), workspaceMgr, ArrayType.ACTIVATIONS);
    }
}
