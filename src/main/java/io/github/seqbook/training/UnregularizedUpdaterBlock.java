package io.github.seqbook.training;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * DL4J's updater block for parameters that have no regularization (the chapter's models have none): the same
 * update, without the two passes over the block's parameters that look for regularization before and after the
 * updater.
 *
 * <p>Why: each pass makes two views per parameter (of its gradient and of its values) whether or not a
 * regularization applies, about 30 ND4J views a batch for a two-layer RNN, which measured 5-6% of a training step
 * of the chapter's sequence-to-sequence RNN. Blocks whose parameters do have a regularization stay DL4J's.
 */
final class UnregularizedUpdaterBlock extends UpdaterBlock {
    private UnregularizedUpdaterBlock(UpdaterBlock block) {
        super(block.getParamOffsetStart(), block.getParamOffsetEnd(), block.getUpdaterViewOffsetStart(),
                block.getUpdaterViewOffsetEnd(), block.getLayersAndVariablesInBlock());
        setUpdaterView(block.getUpdaterView());
        setGradientView(block.getGradientView());
        setUpdaterViewRequiresInitialization(block.isUpdaterViewRequiresInitialization());
        setGradientUpdater(block.getGradientUpdater());
    }

    @Override
    protected void applyRegularizationAllVariables(Regularization.ApplyStep applyStep, int iter, int epoch,
                                                   boolean externalGradient, INDArray fullNetworkGradientView,
                                                   INDArray fullNetworkParamsArray) {
        // nothing to apply: install() only replaces blocks whose parameters have no regularization
    }

    /**
     * Replaces the updater blocks of {@code model} whose parameters have no regularization by this class, once DL4J
     * has created the model's updater (at its first training step); the updater state arrays stay the same. Returns
     * the number of blocks replaced, or -1 while the model has no updater yet (or one this does not know).
     *
     * <p>Creating the updater here instead, before DL4J's first step, would change the float rounding of the
     * training that follows (parameters 1e-8 apart after two steps of the chapter's WaveNet), so this only ever
     * replaces the blocks of an existing updater.
     */
    static int install(Model model) {
        Updater updater;
        if (model instanceof MultiLayerNetwork net) {
            updater = net.getUpdater(false);
        } else if (model instanceof ComputationGraph graph) {
            updater = graph.getUpdater(false);
        } else {
            return -1;
        }
        if (!(updater instanceof BaseMultiLayerUpdater<?> base)) {
            return -1;
        }
        List<UpdaterBlock> blocks = base.getUpdaterBlocks();
        int replaced = 0;
        for (int i = 0; i < blocks.size(); i++) {
            UpdaterBlock block = blocks.get(i);
            if (!(block instanceof UnregularizedUpdaterBlock) && unregularized(block)) {
                blocks.set(i, new UnregularizedUpdaterBlock(block));
                replaced++;
            }
        }
        return replaced;
    }

    private static boolean unregularized(UpdaterBlock block) {
        for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
            List<Regularization> r = p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
            if (r != null && !r.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
