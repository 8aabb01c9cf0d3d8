package io.github.seqbook.layers;

import io.github.seqbook.SequenceLayout;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras' {@code Flatten} for sequences: turns an NCW batch {@code [batch, channels, steps]} into
 * {@code [batch, steps * channels]} in Keras' order (time-major, then channel), so that a dense layer sees
 * the whole window at once. DL4J's own RNN-to-dense preprocessor instead treats every step as an example.
 */
public final class FlattenSequence implements InputPreProcessor {
    private static final long serialVersionUID = 1L;

    private int channels = 1;

    /** A flatten for univariate series (one channel). */
    public FlattenSequence() {
    }

    /**
     * A flatten for series with {@code channels} values per step.
     *
     * @param channels values per time step, at least 1
     */
    public FlattenSequence(int channels) {
        this.channels = io.github.seqbook.Require.positive("channels", channels);
    }

    /** Values per time step. */
    public int getChannels() {
        return channels;
    }

    /** Sets the values per time step (for JSON deserialization). */
    public void setChannels(int channels) {
        this.channels = channels;
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (input.rank() != 3 || input.size(1) != channels) {
            throw new IllegalArgumentException("FlattenSequence expects [batch, " + channels
                    + ", steps] input, got shape " + java.util.Arrays.toString(input.shape()));
        }
        long batch = input.size(0);
        INDArray flat = SequenceLayout.ncwToNwc(input).reshape('c', batch, input.size(1) * input.size(2));
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, flat);
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        long batch = output.size(0);
        long steps = output.size(1) / channels;
        INDArray grad = SequenceLayout.nwcToNcw(output.reshape('c', batch, steps, channels));
        return workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, grad);
    }

    @Override
    public FlattenSequence clone() {
        return new FlattenSequence(channels);
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeRecurrent rnn) || rnn.getTimeSeriesLength() <= 0) {
            throw new IllegalArgumentException("FlattenSequence needs a recurrent input type with a known length, got "
                    + inputType);
        }
        return InputType.feedForward(rnn.getSize() * rnn.getTimeSeriesLength());
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                         int minibatchSize) {
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlattenSequence f && f.channels == channels;
    }

    @Override
    public int hashCode() {
        return 31 * FlattenSequence.class.hashCode() + channels;
    }
}
