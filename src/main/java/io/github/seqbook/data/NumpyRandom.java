package io.github.seqbook.data;

/**
 * numpy's legacy {@code RandomState}: the MT19937 generator seeded exactly like {@code np.random.seed(n)},
 * with {@code rand()} drawing 53-bit doubles the way numpy does.
 *
 * <p>With it, {@code new NumpyRandom(42).rand(3)} returns the same three doubles as
 * {@code np.random.seed(42); np.random.rand(3)}, so the book's datasets are reproduced bit for bit.
 * Not thread-safe: use one instance per thread.
 */
public final class NumpyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    private int pos;

    /**
     * Seeds like {@code np.random.seed(seed)}.
     *
     * @param seed a value in [0, 2^32 - 1], as numpy accepts
     */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("seed must be in [0, 4294967295] as numpy requires, got " + seed);
        }
        int s = (int) seed;
        for (int i = 0; i < N; i++) {
            state[i] = s;
            s = 1812433253 * (s ^ (s >>> 30)) + i + 1;
        }
        pos = N;
    }

    /** The next raw 32-bit output of MT19937, as an unsigned value. */
    public long nextUInt32() {
        if (pos >= N) {
            twist();
        }
        int y = state[pos++];
        y ^= (y >>> 11);
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= (y >>> 18);
        return y & 0xffffffffL;
    }

    /** One uniform double in [0, 1), identical to numpy's {@code random_sample()}. */
    public double nextDouble() {
        long a = nextUInt32() >>> 5;
        long b = nextUInt32() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /**
     * {@code np.random.rand(count)}: {@code count} uniform doubles in [0, 1), in numpy's C order.
     *
     * @param count how many values, at least 0
     */
    public double[] rand(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = nextDouble();
        }
        return out;
    }

    private void twist() {
        int i = 0;
        for (; i < N - M; i++) {
            int y = (state[i] & UPPER_MASK) | (state[i + 1] & LOWER_MASK);
            state[i] = state[i + M] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        for (; i < N - 1; i++) {
            int y = (state[i] & UPPER_MASK) | (state[i + 1] & LOWER_MASK);
            state[i] = state[i + (M - N)] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        int y = (state[N - 1] & UPPER_MASK) | (state[0] & LOWER_MASK);
        state[N - 1] = state[M - 1] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        pos = 0;
    }
}
