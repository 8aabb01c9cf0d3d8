package io.github.seqbook.layers;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.github.seqbook.layers.engine.DenseLayout;

/**
 * Keras' {@code Add()} as a graph vertex: DL4J's {@code ElementWiseVertex(Add)} (the same configuration, the same sums
 * in the same order, so the same values bit for bit) that keeps its inputs' memory layout. DL4J's vertex writes its
 * sum and the copies of dL/d sum in c order; the chapter's WaveNets add outputs of {@link CausalConv1D}, which are
 * time-major arrays seen as {@code [batch, channels, steps]}, so each of those copies and sums went through ND4J's
 * slow path for strided element-wise ops (the original WaveNet: 12% of an epoch in its four {@code Add}s). When all
 * inputs share one dense layout (any order of axes), the sum and the copies of dL/d sum take that layout; anything
 * else (broadcasting, masks, mixed layouts) is DL4J's vertex unchanged.
 */
public class ElementWiseAdd extends ElementWiseVertex {
    private static final long serialVersionUID = 1L;

    /** An element-wise sum of two or more inputs of one shape. */
    public ElementWiseAdd() {
        super(Op.Add);
    }

    @Override
    public void setOp(Op op) {
        if (op != Op.Add) {
            throw new IllegalArgumentException("ElementWiseAdd adds; got op " + op);
        }
        super.setOp(op);
    }

    @Override
    public ElementWiseAdd clone() {
        return new ElementWiseAdd();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Impl(graph, name, idx, networkDatatype);
    }

    @Override
    public String toString() {
        return "ElementWiseAdd()";
    }

    /** The vertex at run time. */
    static final class Impl extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {
        Impl(ComputationGraph graph, String name, int index, DataType dataType) {
            super(graph, name, index, null, null, Op.Add, dataType);
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (canDoForward() && inputs.length > 1 && sameDenseLayout(inputs)) {
                // on contiguous views: ND4J loops flat over arrays of one c order, not over permuted ones
                INDArray sum = DenseLayout.createContiguousLike(workspaceMgr, ArrayType.ACTIVATIONS, inputs[0]);
                sum.assign(DenseLayout.contiguous(inputs[0]));
                for (int i = 1; i < inputs.length; i++) {
                    sum.addi(DenseLayout.contiguous(inputs[i]));
                }
                return DenseLayout.fromContiguous(sum, inputs[0]);
            }
            return super.doForward(training, workspaceMgr);
        }

        @Override
        public Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray[]> doBackward(boolean tbptt,
                                                                                    LayerWorkspaceMgr workspaceMgr) {
            if (canDoBackward() && inputs.length > 1 && sameDenseLayout(inputs)
                    && epsilon.dataType() == inputs[0].dataType()
                    && java.util.Arrays.equals(epsilon.shape(), inputs[0].shape())
                    && DenseLayout.isDense(epsilon)) {
                // d(sum)/d(input i) = 1: each input gets its own copy of dL/d sum (the graph may add into it)
                INDArray[] out = new INDArray[inputs.length];
                INDArray e = DenseLayout.contiguous(epsilon);
                for (int i = 0; i < out.length; i++) {
                    INDArray copy = DenseLayout.createContiguousLike(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon);
                    // summable: the graph adds the other consumers' dL/d input into these copies
                    out[i] = DenseLayout.summable(DenseLayout.fromContiguous(copy.assign(e), epsilon));
                }
                return new Pair<>(null, out);
            }
            return super.doBackward(tbptt, workspaceMgr);
        }

        private boolean sameDenseLayout(INDArray[] arrays) {
            INDArray first = arrays[0];
            if (first.dataType() != dataType || !DenseLayout.isDense(first)) {
                return false;
            }
            for (INDArray a : arrays) {
                if (a.dataType() != dataType || !java.util.Arrays.equals(a.shape(), first.shape())
                        || !java.util.Arrays.equals(a.stride(), first.stride())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "ElementWiseAdd(id=" + vertexIndex + ",name=\"" + vertexName + "\")";
        }
    }
}
