package io.github.seqbook.layers.engine;

/**
 * Float work arrays kept per thread and grown as needed, for code that moves ND4J values through Java arrays once
 * or twice a batch ({@link BlockTransposeCopy}, {@code io.github.seqbook.keras.HuberLoss}). Allocated per call,
 * such arrays (up to 256 KB each for notebook 06's inference chunks) were often alive at a young collection and
 * crowded the survivor spaces: the Bach model's peak RSS about 100 MB higher, and 5% of a ridership epoch in
 * collections. Each user holds its own instance, so two users never share an array.
 */
public final class ThreadWorkArrays {
    private final ThreadLocal<float[][]> arrays;

    /** {@code count} arrays per thread. */
    public ThreadWorkArrays(int count) {
        arrays = ThreadLocal.withInitial(() -> new float[count][0]);
    }

    /** This thread's array {@code which}, at least {@code n} long (its contents are whatever was left in it). */
    public float[] floats(int which, int n) {
        float[][] a = arrays.get();
        if (a[which].length < n) {
            a[which] = new float[n];
        }
        return a[which];
    }
}
