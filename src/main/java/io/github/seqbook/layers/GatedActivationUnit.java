package io.github.seqbook.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import io.github.seqbook.layers.engine.GatedActivationTapes;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * WaveNet's gated activation unit as a parameterless {@link ComputationGraph} vertex: its input's channels
 * (axis 1: {@code [batch, 2n, steps]} in NCW, or {@code [batch, 2n]}) are split in two halves {@code a} and
 * {@code b}, and the output is {@code tanh(a) * sigmoid(b)}, {@code [batch, n, steps]}.
 *
 * <p>The book's {@code GatedActivationUnit} layer applies its activation twice to the first half,
 * {@code activation(activation(inputs[..., :n])) * sigmoid(inputs[..., n:])}, so the code the book runs computes
 * {@code tanh(tanh(a)) * sigmoid(b)}. {@link #bookCode()} reproduces that; {@link #paper()} is the paper's
 * {@code tanh(a) * sigmoid(b)}. The backward pass is written out by hand (no SameDiff), so the vertex is
 * cheap and serializes to JSON with the rest of the graph. On sequences, training passes replay their ops
 * recorded once per batch shape ({@link GatedActivationTapes}).
 */
public final class GatedActivationUnit extends GraphVertex {
    private static final long serialVersionUID = 1L;

    private boolean tanhTwice;

    /**
     * A gated unit.
     *
     * @param tanhTwice true for the book code's {@code tanh(tanh(a)) * sigmoid(b)}, false for the paper's
     *                  {@code tanh(a) * sigmoid(b)}
     */
    public GatedActivationUnit(@JsonProperty("tanhTwice") boolean tanhTwice) {
        this.tanhTwice = tanhTwice;
    }

    /** The unit exactly as the book's code computes it: {@code tanh(tanh(a)) * sigmoid(b)}. */
    public static GatedActivationUnit bookCode() {
        return new GatedActivationUnit(true);
    }

    /** The unit of the WaveNet paper: {@code tanh(a) * sigmoid(b)}. */
    public static GatedActivationUnit paper() {
        return new GatedActivationUnit(false);
    }

    /** True when the first half goes through tanh twice, as in the book's code. */
    public boolean isTanhTwice() {
        return tanhTwice;
    }

    /** Sets whether the first half goes through tanh twice (for JSON deserialization). */
    public void setTanhTwice(boolean tanhTwice) {
        this.tanhTwice = tanhTwice;
    }

    @Override
    public GatedActivationUnit clone() {
        return new GatedActivationUnit(tanhTwice);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatedActivationUnit g && g.tanhTwice == tanhTwice;
    }

    @Override
    public int hashCode() {
        return 31 * GatedActivationUnit.class.hashCode() + Boolean.hashCode(tanhTwice);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Impl(graph, name, idx, null, null, tanhTwice, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1) {
            throw new InvalidInputTypeException("GatedActivationUnit takes one input, got " + vertexInputs.length);
        }
        InputType in = vertexInputs[0];
        if (in instanceof InputType.InputTypeRecurrent r) {
            return InputType.recurrent(half(r.getSize()), r.getTimeSeriesLength(), r.getFormat());
        }
        if (in instanceof InputType.InputTypeFeedForward f) {
            return InputType.feedForward(half(f.getSize()));
        }
        throw new InvalidInputTypeException("GatedActivationUnit needs a recurrent or feed-forward input, got " + in);
    }

    private static long half(long channels) {
        if (channels % 2 != 0) {
            throw new InvalidInputTypeException("GatedActivationUnit needs an even number of channels (two halves), got "
                    + channels);
        }
        return channels / 2;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, GatedActivationUnit.class, inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "GatedActivationUnit(tanhTwice=" + tanhTwice + ")";
    }

    /** The vertex at run time: forward and hand-written backward pass. */
    static final class Impl extends BaseGraphVertex {
        private final boolean tanhTwice;
        /** The recorded passes of the last training batch shape (sequence inputs only); null before. */
        private GatedActivationTapes tapes;
        /** The input of the last training forward pass on {@link #tapes}; null when their buffers are stale. */
        private INDArray keptInput;

        Impl(ComputationGraph graph, String name, int index, VertexIndices[] inputVertices,
             VertexIndices[] outputVertices, boolean tanhTwice, DataType dataType) {
            super(graph, name, index, inputVertices, outputVertices, dataType);
            this.tanhTwice = tanhTwice;
        }

        /** True once a training pass has recorded its ops (for tests). */
        boolean recorded() {
            return tapes != null;
        }

        @Override
        public boolean hasLayer() {
            return false;
        }

        @Override
        public Layer getLayer() {
            return null;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoForward()) {
                throw new IllegalStateException("GatedActivationUnit " + vertexName + ": input not set");
            }
            INDArray x = inputs[0];
            long n = half(x.size(1));
            keptInput = null;
            if (x.rank() == 3 && x.dataType() == dataType) {
                long b = x.size(0);
                long t = x.size(2);
                boolean fits = tapes != null && tapes.fits(b, n, t);
                // Training records the shape's passes; inference replays them only on that shape (a large
                // validation batch would otherwise leave work arrays of its size behind).
                if (training && !fits) {
                    if (tapes != null) {
                        tapes.close();
                    }
                    tapes = new GatedActivationTapes(dataType, b, n, t, tanhTwice);
                    fits = true;
                }
                if (fits) {
                    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                            new long[] {t, b, n}, 'c');
                    tapes.forward(x, out);
                    keptInput = training ? x : null;
                    return out.permute(1, 2, 0);
                }
            }
            // Allocate in the activations workspace: the output outlives this call.
            try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
                INDArray t = Transforms.tanh(firstHalf(x, n), true);
                if (tanhTwice) {
                    Transforms.tanh(t, false);
                }
                return t.muli(Transforms.sigmoid(secondHalf(x, n), true));
            }
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoBackward()) {
                throw new IllegalStateException("GatedActivationUnit " + vertexName + ": errors not set");
            }
            INDArray x = inputs[0];
            long n = half(x.size(1));
            if (keptInput == x && tapes != null) {
                keptInput = null;
                INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                        new long[] {x.size(2), x.size(0), 2 * n}, 'c');
                tapes.backward(epsilon, eps);
                return new Pair<>(null, new INDArray[] {eps.permute(1, 2, 0)});
            }
            try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
                // Recomputed rather than cached: cheap, and nothing has to survive between the passes.
                INDArray t1 = Transforms.tanh(firstHalf(x, n), true);
                INDArray s = Transforms.sigmoid(secondHalf(x, n), true);
                // d tanh(u)/du = 1 - tanh(u)^2
                INDArray dtda = t1.mul(t1).rsubi(1.0);
                INDArray t = t1;
                if (tanhTwice) {
                    t = Transforms.tanh(t1, true);
                    dtda.muli(t.mul(t).rsubi(1.0));
                }
                INDArray da = epsilon.mul(s).muli(dtda);
                // d sigmoid(v)/dv = s (1 - s)
                INDArray db = epsilon.mul(t).muli(s).muli(s.rsub(1.0));
                return new Pair<>(null, new INDArray[] {Nd4j.concat(1, da, db)});
            }
        }

        private static INDArray firstHalf(INDArray x, long n) {
            return x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n));
        }

        private static INDArray secondHalf(INDArray x, long n) {
            return x.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n));
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            if (backpropGradientsViewArray != null) {
                throw new IllegalStateException("GatedActivationUnit has no parameters");
            }
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                               int minibatchSize) {
            // Per-step masks pass through: the unit works on each time step alone.
            if (maskArrays == null || maskArrays.length == 0) {
                return null;
            }
            return new Pair<>(maskArrays[0], currentMaskState);
        }

        @Override
        public String toString() {
            return "GatedActivationUnit(id=" + vertexIndex + ",name=\"" + vertexName + "\",tanhTwice=" + tanhTwice + ")";
        }
    }
}
