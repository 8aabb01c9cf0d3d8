package io.github.seqbook.layers.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation of {@code io.github.seqbook.layers.DenseOutputLayer}: DL4J's {@code OutputLayer} whose training
 * pass runs {@link OutputLayerPasses} (products through OpenBLAS, the pre-output copied block-wise, the pre-output
 * of the backward pass kept for the score DL4J computes right after it). The same ops on arrays of the same layouts
 * as DL4J's, so the same values bit for bit ({@code DenseOutputLayerTest}). Masks, dropout, weight noise, other
 * losses than the chapter's, and anything not 2d take DL4J's code.
 */
public final class DenseOutputLayerImpl extends OutputLayer {
    private static final String W = DefaultParamInitializer.WEIGHT_KEY;
    private static final String B = DefaultParamInitializer.BIAS_KEY;

    private final OutputLayerPasses passes = new OutputLayerPasses();

    public DenseOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The input and configuration {@link OutputLayerPasses} computes as DL4J does. */
    private boolean passesApply() {
        return input != null && input.rank() == 2 && input.dataType() == dataType && maskArray == null
                && layerConf().getIDropout() == null && layerConf().getWeightNoise() == null
                && OutputLayerPasses.knownLoss(layerConf().getLossFn()) && input.columns() == getParam(W).rows();
    }

    @Override
    public void setLabels(INDArray labels) {
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
        passes.forget();
        super.clear();
    }

    private INDArray preOutputPasses(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParamWithNoise(W, training, workspaceMgr);
        return passes.preOutput(input, w, hasBias() ? getParamWithNoise(B, training, workspaceMgr) : null,
                workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!passesApply() || labels == null || labels.rank() != 2 || labels.size(0) != input.size(0)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        // DL4J's BaseOutputLayer.backpropGradient
        INDArray preOut = preOutputPasses(true, workspaceMgr);
        passes.keep(preOut, input);
        INDArray delta = layerConf().getLossFn().computeGradient(getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM),
                preOut, layerConf().getActivationFn(), maskArray);
        Pair<Gradient, INDArray> g = passes.backward(input, delta, gradientViews.get(W),
                hasBias() ? gradientViews.get(B) : null, getParamWithNoise(W, true, workspaceMgr), workspaceMgr);
        return new Pair<>(g.getFirst(), backpropDropOutIfPresent(g.getSecond()));
    }

    @Override
    protected INDArray preOutput2d(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!passesApply()) {
            return super.preOutput2d(training, workspaceMgr);
        }
        INDArray kept = passes.takeKept(input);
        return kept != null ? kept : preOutputPasses(training, workspaceMgr);
    }
}
