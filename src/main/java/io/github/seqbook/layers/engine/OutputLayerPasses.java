package io.github.seqbook.layers.engine;

import io.github.seqbook.keras.HuberLoss;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The arithmetic of DL4J's output layers ({@code BaseLayer.preOutput}, {@code BaseOutputLayer}'s gradients) on a 2d
 * input {@code [rows, nIn]}, as the library's drop-ins ({@link SequenceOutputLayerImpl}, {@link DenseOutputLayerImpl})
 * run it: the same ops on arrays of the same layouts, so the same values bit for bit, with two differences in cost.
 * The products go through OpenBLAS ({@link BlasGemm}, the call ND4J's op makes, without the op around it); the
 * pre-output, which DL4J's {@code mmuli} computes into an f-order array and copies into its c-order one with ND4J's
 * per-element assign, is copied block-wise. And the pre-output of a backward pass is kept for the score DL4J asks for
 * right after it (DL4J recomputes it).
 */
final class OutputLayerPasses {
    /** The pre-output's product before its copy into DL4J's c-order array. */
    private INDArray productBuffer;
    /** A copy of the last backward pass's pre-output, with the input it was computed from; null when used or stale. */
    private INDArray kept;
    private INDArray keptBuffer;
    private INDArray keptFor;

    /**
     * True for the chapter's losses (MSE, Huber, cross-entropy with or without sparse labels), which read the labels
     * only in element-wise ops against the output, so the labels' layout cannot change a value. (The pre-output kept
     * for the score is a copy taken before the loss's gradient, which some activations compute in place.)
     */
    static boolean knownLoss(ILossFunction loss) {
        return loss instanceof LossMSE || loss instanceof LossMCXENT || loss instanceof HuberLoss;
    }

    /**
     * {@code input · w + b} ({@code b} null without a bias) in a c-order {@code [rows, nOut]} array of {@code mgr}'s
     * activations workspace, as DL4J's {@code BaseLayer.preOutput} (no dropout, weight noise, layer norm or mask).
     */
    INDArray preOutput(INDArray input, INDArray w, INDArray b, LayerWorkspaceMgr mgr) {
        INDArray ret = mgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), input.size(0), w.size(1));
        productBuffer = StepArray.reuse(productBuffer, ret.dataType(), 'f', ret.shape());
        BlasGemm.gemm(input.castTo(ret.dataType()), w, productBuffer, false, false);
        BlockTransposeCopy.copy2d(productBuffer, ret);
        if (b != null) {
            ret.addiRowVector(b);
        }
        return ret;
    }

    /**
     * {@code BaseOutputLayer}'s gradients from dL/d pre-output {@code delta}: the weight gradient into {@code gradW},
     * the bias gradient into {@code gradB} (null without a bias), both named in the returned gradient as DL4J names
     * them ({@code W}, then {@code b}), with dL/d input {@code [rows, nIn]} in c order (the transpose of an f-order
     * array of {@code mgr}'s activation-gradient workspace).
     */
    Pair<Gradient, INDArray> backward(INDArray input, INDArray delta, INDArray gradW, INDArray gradB, INDArray w,
                                      LayerWorkspaceMgr mgr) {
        BlasGemm.gemm(input.castTo(gradW.dataType()), delta, gradW, true, false);
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, gradW);
        if (gradB != null) {
            delta.sum(gradB, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, gradB);
        }
        INDArray d = mgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
        INDArray epsT = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, d.dataType(),
                new long[] {w.size(0), d.size(0)}, 'f');
        BlasGemm.gemm(w, d, epsT, false, true); // DL4J: w.mmuli(delta.transpose(), epsT)
        return new Pair<>(gradient, epsT.transpose());
    }

    /** Keeps a copy of {@code preOut}, computed from {@code input}, for the score of the same pass. */
    void keep(INDArray preOut, INDArray input) {
        keptBuffer = StepArray.reuse(keptBuffer, preOut.dataType(), preOut.ordering(), preOut.shape());
        kept = keptBuffer.assign(preOut);
        keptFor = input;
    }

    /** The kept pre-output if it was computed from {@code input}, once; else null. */
    INDArray takeKept(INDArray input) {
        INDArray k = kept;
        kept = null;
        return k != null && keptFor == input ? k : null;
    }

    /** Drops the kept pre-output (new input, labels or parameters). */
    void forget() {
        kept = null;
        keptFor = null;
    }
}
