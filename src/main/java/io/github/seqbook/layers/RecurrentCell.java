package io.github.seqbook.layers;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

import io.github.seqbook.layers.engine.OpTape;
import io.github.seqbook.layers.engine.ParamSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonTypeInfo;

/**
 * A recurrent cell, Keras' notion: the computation of one time step, from the step's input and the previous state
 * to the new state, which is also the step's output. {@link RecurrentLoop} applies a cell to every step of a
 * sequence (the book's {@code MyRNN}); {@link LayerNormSimpleRnnCell} is the book's {@code LNSimpleRNNCell}.
 *
 * <p>A cell describes its step by recording ND4J ops on an {@link OpTape} (see there why), for one step's arrays:
 * inputs {@code [batch, nIn]}, states {@code [batch, units]}. The loop records every step once per batch shape and
 * replays the tape for each batch, so a cell must not branch on array contents. A cell's forward step may keep
 * values for its backward step in the {@code memory} arrays the loop gives it ({@code [batch, width]} each, one set
 * per step, widths from {@link #memoryWidths()}); temporaries that live within one step come from
 * {@link OpTape#scratch}. Implementations must be JSON-serializable beans (they are stored in the layer's
 * configuration) and immutable once built.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.PROPERTY, property = "@class")
public interface RecurrentCell extends Serializable {
    /** Size of the state, which is also the size of each output step. */
    int units();

    /** The cell's parameters for {@code inputs} input features, in packing order. */
    List<ParamSpec> paramSpecs(long inputs);

    /** Widths of the arrays the forward step keeps for the backward step (values per example, one array each). */
    int[] memoryWidths();

    /**
     * Records one forward step: from {@code x} and {@code hPrev}, writes the new state into {@code h} and whatever
     * the backward step needs into {@code memory}.
     *
     * @param params the parameters by key, shaped as {@link #paramSpecs}
     */
    void forward(OpTape ops, INDArray x, INDArray hPrev, INDArray h, INDArray[] memory, Map<String, INDArray> params);

    /**
     * Records one backward step. {@code dh} holds dL/dh for this step's state (from the step's output and from the
     * next step) and may be overwritten; the step writes dL/dx into {@code dx}, adds dL/dhPrev into
     * {@code dhPrev}, and adds its parameter gradients into {@code grads} (same keys and shapes as the params).
     */
    void backward(OpTape ops, INDArray dh, INDArray x, INDArray hPrev, INDArray h, INDArray[] memory,
                  Map<String, INDArray> params, Map<String, INDArray> grads, INDArray dx, INDArray dhPrev);
}
