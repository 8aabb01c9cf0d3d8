package io.github.seqbook;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every conversion between the three layouts a batch of sequences takes in this project, in one place:
 * <ul>
 *   <li><b>the book's (Keras') layout</b>, {@code [batch, steps, features]}: DL4J calls it NWC. Notebooks, data
 *       splits, targets and predictions use it;</li>
 *   <li><b>NCW</b>, {@code [batch, features, steps]}: what the chapter's DL4J networks read and write (it trains
 *       faster on CPU, and DL4J's causal convolution only backpropagates in it);</li>
 *   <li><b>time-major</b>, {@code [steps, batch, features]}: the work arrays of the custom recurrent layers, where
 *       each step is one contiguous {@code [batch, features]} block.</li>
 * </ul>
 * The copying conversions return c-order copies of the same data type; the time-major ones return views.
 */
public final class SequenceLayout {
    private SequenceLayout() {
    }

    /** {@code [batch, steps, features]} (NWC, the book's) to {@code [batch, features, steps]} (NCW), a c-order copy. */
    public static INDArray nwcToNcw(INDArray a) {
        Require.rank("a", a, 3, "[batch, steps, features]");
        return a.permute(0, 2, 1).dup('c');
    }

    /** {@code [batch, features, steps]} (NCW) to {@code [batch, steps, features]} (NWC, the book's), a c-order copy. */
    public static INDArray ncwToNwc(INDArray a) {
        Require.rank("a", a, 3, "[batch, features, steps]");
        return a.permute(0, 2, 1).dup('c');
    }

    /**
     * A layer's input or gradient in {@code format} ({@code [batch, features, steps]} for NCW,
     * {@code [batch, steps, features]} for NWC) as {@code [steps, batch, features]}; a view.
     */
    public static INDArray toTimeMajor(INDArray a, RNNFormat format) {
        return format == RNNFormat.NCW ? a.permute(2, 0, 1) : a.permute(1, 0, 2);
    }

    /** {@code [steps, batch, features]} back to {@code format}; a view (the inverse of {@link #toTimeMajor}). */
    public static INDArray fromTimeMajor(INDArray a, RNNFormat format) {
        return format == RNNFormat.NCW ? a.permute(1, 2, 0) : a.permute(1, 0, 2);
    }
}
