package io.github.seqbook.layers.engine;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a tape was last bound to: the memory address, shape and strides of DL4J's arrays of one pass. DL4J's
 * workspaces hand a layer arrays at the same addresses batch after batch (new {@code INDArray} objects over the same
 * memory); when they match the last pass's, the tape's views still address that memory and the rebinding (a view,
 * a shape buffer and a native context update per site, about 10% of a WaveNet epoch's time) can be skipped.
 *
 * <p>Safe because the tape keeps its previous views, and with them their buffers, reachable: memory that an array
 * owns cannot be freed and handed to a new array at the same address while the tape holds it, and workspace memory
 * at an address is, during the pass, the memory of the array DL4J just passed.
 */
final class Binding {
    private long[] last;
    /** The arrays of the call being bound, recorded by {@link #bound} once the binding is complete. */
    private long[] pending;
    private int firstOp;

    /**
     * True when {@code arrays} have the addresses, shapes and strides of the last {@link #bound} call's: the tape can
     * be replayed from {@link #firstOp} as it is. When false, the caller rebinds and then calls {@link #bound}.
     */
    boolean unchanged(INDArray... arrays) {
        pending = key(arrays);
        return Arrays.equals(pending, last);
    }

    /** Records the arrays of the last {@link #unchanged} call as bound, and the first op to replay for them. */
    void bound(int firstOp) {
        this.firstOp = firstOp;
        last = pending;
    }

    /** The first op to replay for the bound arrays (0: a copy of an input into the tape's buffer first). */
    int firstOp() {
        return firstOp;
    }

    private static long[] key(INDArray... arrays) {
        int n = 0;
        for (INDArray a : arrays) {
            n += 4 + 2 * a.rank();
        }
        long[] k = new long[n];
        int i = 0;
        for (INDArray a : arrays) {
            k[i++] = a.data().address();
            k[i++] = a.offset();
            k[i++] = a.dataType().ordinal();
            k[i++] = a.rank();
            for (int d = 0; d < a.rank(); d++) {
                k[i++] = a.size(d);
                k[i++] = a.stride(d);
            }
        }
        return k;
    }
}
