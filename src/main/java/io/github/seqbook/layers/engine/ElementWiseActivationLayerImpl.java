package io.github.seqbook.layers.engine;

import java.util.Set;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation of {@code io.github.seqbook.layers.ElementWiseActivationLayer}: DL4J's {@code ActivationLayer}'s
 * passes (a copy of the input activated in place; the function's derivative at a copy of the input times dL/d
 * output) on contiguous views of a {@link DenseLayout dense} input, in its layout, when the function works value by
 * value: the same values bit for bit, as flat loops instead of ND4J's per-element path. Other inputs, functions
 * (softmax normalises along an axis; RReLU draws per value in memory order) and dropout take DL4J's code.
 */
public final class ElementWiseActivationLayerImpl extends ActivationLayer {
    /** Activation functions that compute each value from that value alone, deterministically. */
    private static final Set<Class<? extends IActivation>> ELEMENT_WISE = Set.of(ActivationReLU.class,
            ActivationLReLU.class, ActivationELU.class, ActivationSELU.class, ActivationTanH.class,
            ActivationSigmoid.class, ActivationHardTanH.class, ActivationHardSigmoid.class, ActivationSoftPlus.class,
            ActivationSoftSign.class, ActivationSwish.class, ActivationGELU.class, ActivationIdentity.class);

    public ElementWiseActivationLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean inLayout() {
        return input != null && DenseLayout.isDense(input) && layerConf().getIDropout() == null
                && ELEMENT_WISE.contains(layerConf().getActivationFn().getClass());
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!inLayout()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        // DL4J: a copy in training (the input is needed for backprop), the input itself (activated in place) else
        INDArray in = training
                ? DenseLayout.fromContiguous(DenseLayout.createContiguousLike(workspaceMgr, ArrayType.ACTIVATIONS,
                        input).assign(DenseLayout.contiguous(input)), input)
                : workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
        layerConf().getActivationFn().getActivation(DenseLayout.contiguous(in), training);
        return in;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!inLayout() || epsilon == null || epsilon.dataType() != input.dataType()
                || !java.util.Arrays.equals(epsilon.shape(), input.shape())
                || !java.util.Arrays.equals(epsilon.stride(), input.stride())) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray temp = DenseLayout.createContiguousLike(workspaceMgr, ArrayType.ACTIVATION_GRAD, input)
                .assign(DenseLayout.contiguous(input));
        INDArray eps = DenseLayout.contiguous(epsilon);
        INDArray delta = layerConf().getActivationFn().backprop(temp, eps).getFirst();
        if (delta == eps) {
            delta = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, delta); // identity: DL4J copies dL/d output too
        }
        delta = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
        return new Pair<>(new DefaultGradient(), DenseLayout.summable(DenseLayout.fromContiguous(delta, input)));
    }
}
