package io.github.seqbook.layers.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.CustomOp;

/**
 * A recorded matrix product replayed as one call of OpenBLAS's {@code cblas_sgemm} (or {@code dgemm}), the function
 * libnd4j's {@code matmul} ends in on the CPU backend, with the arguments libnd4j derives from the arrays' strides
 * ({@code MmulHelper::mmulMxM}: column-major when C's columns are contiguous, row-major otherwise, transposes
 * and leading dimensions from A's and B's strides), so the products are the same bit for bit ({@code OpTapeTest}
 * compares them for every layout the tapes record). What the op adds around that call (argument checks, views,
 * shape buffers) cost about 1 us of the 2.4 us a {@code [32, 32] x [32, 32]} product took: the recurrent layers'
 * per-step products.
 *
 * <p>OpenBLAS's Java binding ships with ND4J's CPU backend only, so it is looked up by name (the library also
 * builds against the CUDA backend). Products with a dimension of 1 (a 1-feature input's product, sums over rows, a
 * 1-output layer's) are calls like any other: libnd4j's matmul makes the same {@code sgemm} call for them (bit for
 * bit in {@code OpTapeTest}); only a dot product ({@code [1, k] x [k, 1]}) stays an ND4J op. Float or double, with
 * A, B and C each contiguous along one axis (libnd4j copies other arrays first); anything else stays an ND4J op.
 */
final class BlasGemm {
    private BlasGemm() {
    }

    // CBLAS's enum values
    private static final int ROW_MAJOR = 101;
    private static final int COL_MAJOR = 102;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    /** {@code cblas_sgemm} and {@code cblas_dgemm} of ND4J's OpenBLAS, looked up when first needed (CPU only). */
    private static final class Blas {
        static final MethodHandle SGEMM;
        static final MethodHandle DGEMM;

        static {
            try {
                Class<?> c = Class.forName("org.bytedeco.openblas.global.openblas_nolapack");
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                SGEMM = l.findStatic(c, "cblas_sgemm", MethodType.methodType(void.class, int.class, int.class,
                        int.class, int.class, int.class, int.class, float.class, FloatPointer.class, int.class,
                        FloatPointer.class, int.class, float.class, FloatPointer.class, int.class));
                DGEMM = l.findStatic(c, "cblas_dgemm", MethodType.methodType(void.class, int.class, int.class,
                        int.class, int.class, int.class, int.class, double.class, DoublePointer.class, int.class,
                        DoublePointer.class, int.class, double.class, DoublePointer.class, int.class));
                // CBLAS's constants as the binding defines them
                if (c.getField("CblasRowMajor").getInt(null) != ROW_MAJOR || c.getField("CblasColMajor").getInt(null)
                        != COL_MAJOR || c.getField("CblasNoTrans").getInt(null) != NO_TRANS
                        || c.getField("CblasTrans").getInt(null) != TRANS) {
                    throw new IllegalStateException("OpenBLAS binding with unexpected CBLAS constants");
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("ND4J's CPU backend without OpenBLAS's binding", e);
            }
        }
    }

    /** True when OpenBLAS's binding is there (ND4J's CPU backend). */
    private static final boolean AVAILABLE = detect();

    private static boolean detect() {
        try {
            return Blas.SGEMM != null;
        } catch (LinkageError | IllegalStateException e) {
            return false;
        }
    }

    /** The BLAS call for the recorded product {@code op} of {@code arrays} ({@code a, b, c}), or null. */
    static DirectCpuCalls.Exec prepare(CustomOp op, INDArray[] arrays) {
        if (!AVAILABLE || arrays.length != 3) {
            return null;
        }
        long[] i = op.iArgs();
        double[] t = op.tArgs();
        if (i.length > 2 && i[2] != 0) {
            return null; // a transposed result
        }
        boolean transposeA = i.length > 0 && i[0] != 0;
        boolean transposeB = i.length > 1 && i[1] != 0;
        double alpha = t.length > 0 ? t[0] : 1.0;
        double beta = t.length > 1 ? t[1] : 0.0;
        return prepare(arrays[0], arrays[1], arrays[2], transposeA, transposeB, alpha, beta);
    }

    /**
     * {@code c = op(a) op(b)} ({@code op} transposes when asked), what {@code Nd4j.gemm(a, b, c, transposeA,
     * transposeB, 1.0, 0.0)} computes, bit for bit: through OpenBLAS when {@link #prepare} takes the arrays, else
     * through ND4J. For products that are not recorded on a tape (a few microseconds of ND4J's op each).
     */
    static void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB) {
        DirectCpuCalls.Exec call = AVAILABLE && DirectCpuCalls.AVAILABLE
                ? prepare(a, b, c, transposeA, transposeB, 1.0, 0.0) : null;
        if (call != null) {
            call.run();
        } else {
            Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
        }
    }

    private static DirectCpuCalls.Exec prepare(INDArray a, INDArray b, INDArray c, boolean transposeA,
                                               boolean transposeB, double alpha, double beta) {
        DataType type = c.dataType();
        if ((type != DataType.FLOAT && type != DataType.DOUBLE) || a.dataType() != type || b.dataType() != type
                || a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            return null;
        }
        INDArray av = transposeA ? a.transpose() : a;
        INDArray bv = transposeB ? b.transpose() : b;
        long m = av.size(0);
        long k = av.size(1);
        long n = bv.size(1);
        if ((m < 2 && n < 2) || bv.size(0) != k || c.size(0) != m || c.size(1) != n
                || m > Integer.MAX_VALUE || n > Integer.MAX_VALUE || k > Integer.MAX_VALUE) {
            return null;
        }
        // contiguous along an axis: libnd4j's rule (MmulHelper::mmulMxM), which counts an axis of length 1 as
        // contiguous whatever its stride, so that vectors get the same call (and legal leading dimensions)
        boolean aM = m == 1 || av.stride(0) == 1;
        boolean aK = k == 1 || av.stride(1) == 1;
        boolean bK = k == 1 || bv.stride(0) == 1;
        boolean bN = n == 1 || bv.stride(1) == 1;
        boolean cM = m == 1 || c.stride(0) == 1;
        boolean cN = n == 1 || c.stride(1) == 1;
        if ((!aM && !aK) || (!bK && !bN) || (!cM && !cN)) {
            return null; // libnd4j would copy the array first
        }
        int order = cM ? COL_MAJOR : ROW_MAJOR;
        int transA = aM != cM ? TRANS : NO_TRANS;
        int transB = bK != cM ? TRANS : NO_TRANS;
        int lda = (int) (aM && aK ? m : !aM ? av.stride(0) : av.stride(1));
        int ldb = (int) (bK && bN ? k : !bK ? bv.stride(0) : bv.stride(1));
        int ldc = (int) (cM && cN ? m : !cM ? c.stride(0) : c.stride(1));
        int mi = (int) m;
        int ni = (int) n;
        int ki = (int) k;
        if (type == DataType.FLOAT) {
            FloatPointer pa = new FloatPointer(a.data().addressPointer());
            FloatPointer pb = new FloatPointer(b.data().addressPointer());
            FloatPointer pc = new FloatPointer(c.data().addressPointer());
            float al = (float) alpha;
            float be = (float) beta;
            return () -> {
                try {
                    Blas.SGEMM.invokeExact(order, transA, transB, mi, ni, ki, al, pa, lda, pb, ldb, be, pc, ldc);
                } catch (Throwable e) {
                    throw new IllegalStateException("cblas_sgemm failed", e);
                }
            };
        }
        DoublePointer pa = new DoublePointer(a.data().addressPointer());
        DoublePointer pb = new DoublePointer(b.data().addressPointer());
        DoublePointer pc = new DoublePointer(c.data().addressPointer());
        return () -> {
            try {
                Blas.DGEMM.invokeExact(order, transA, transB, mi, ni, ki, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            } catch (Throwable e) {
                throw new IllegalStateException("cblas_dgemm failed", e);
            }
        };
    }
}
