package io.github.seqbook.layers.engine;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.TransformOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.OpaqueDataBuffer;

/**
 * Replays a recorded op by calling libnd4j's entry point directly, with every pointer prepared when the op is
 * recorded: the same native call that ND4J's CPU executioner ends in, without the Java-side work it repeats on every
 * call (lists of the context's arrays for its profiling hook, a fresh {@code Pointer} per buffer address and per
 * {@code Environment} lookup). Measured on the ridership RNN (notebook 05): that work made about 0.5 MB of garbage per
 * batch and a young collection every three epochs.
 *
 * <p>Only on ND4J's CPU backend, and only while ND4J's op profiler checks nothing (NaN/Inf panic, timing, native
 * statistics) and no {@code ND4J_MKL_FALLBACK} override is set: in every other case, and for any op kind not handled
 * here, {@link #prepare} answers {@code null} and the tape runs the op through the executioner as before. The CPU
 * backend's buffer class is looked up by name, so the library compiles and runs on the CUDA backend too.
 */
final class DirectCpuCalls {
    private DirectCpuCalls() {
    }

    /** libnd4j's entry point of one kind of legacy transform (strict, same, float, any: the same arguments). */
    private interface TransformEntry {
        void exec(PointerPointer extras, int opNum, OpaqueDataBuffer x, LongPointer xShape, LongPointer xDeviceShape,
                  OpaqueDataBuffer z, LongPointer zShape, LongPointer zDeviceShape, Pointer extraParams);
    }

    /** One prepared native call. */
    interface Exec {
        void run();
    }

    /** Whether ND4J's executioner is the CPU backend's (read once; the backend does not change in a JVM). */
    static final boolean AVAILABLE = detect();

    private static boolean detect() {
        if (Boolean.getBoolean("seqbook.executionerOps") || System.getenv("ND4J_MKL_FALLBACK") != null) {
            return false;
        }
        return Nd4j.getExecutioner().getClass().getName().equals(
                "org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner");
    }

    private static final class Native {
        static final NativeOps OPS = NativeOpsHolder.getInstance().getDeviceNativeOps();
        /**
         * The CPU backend's data buffer class and its {@code getOpaqueDataBuffer()}, looked up by name so that this
         * class also compiles against the CUDA backend (the {@code cuda} Maven profile), where they are absent.
         */
        static final Class<?> CPU_BUFFER;
        static final java.lang.invoke.MethodHandle OPAQUE;

        static {
            try {
                CPU_BUFFER = Class.forName("org.nd4j.linalg.cpu.nativecpu.buffer.BaseCpuDataBuffer");
                OPAQUE = java.lang.invoke.MethodHandles.publicLookup().findVirtual(CPU_BUFFER, "getOpaqueDataBuffer",
                        java.lang.invoke.MethodType.methodType(OpaqueDataBuffer.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("ND4J's CPU backend without BaseCpuDataBuffer.getOpaqueDataBuffer()", e);
            }
        }
        /** The executioner passes a scratch pointer array as libnd4j's "extra pointers"; the CPU loops ignore it. */
        static final PointerPointer EXTRAS = new PointerPointer(32);
    }

    /** Whether ND4J's op profiler asks for per-op checks that only the executioner performs. */
    static boolean profilerChecks() {
        ProfilerConfig c = OpProfiler.getInstance().getConfig();
        return c != null && (c.isCheckForNAN() || c.isCheckForINF() || c.isCheckElapsedTime() || c.isNativeStatistics()
                || c.isStackTrace());
    }

    /**
     * The direct call for {@code custom} (with its native {@code context}) or {@code legacy} (reading
     * {@code arrays[0]}, writing the last of {@code arrays}), or {@code null} when it must go through the executioner.
     * A matrix product calls BLAS itself when it can ({@link BlasGemm}), an element-wise sum, difference or product
     * libnd4j's legacy loop ({@link BinaryElementWise}). The call holds only native pointers: the
     * caller keeps the op, its context and {@code arrays} reachable for as long as it runs it ({@link OpTape} does).
     */
    static Exec prepare(CustomOp custom, OpContext context, Op legacy, INDArray[] arrays) {
        if (!AVAILABLE || profilerChecks()) {
            return null;
        }
        INDArray x = arrays[0];
        INDArray z = arrays[arrays.length - 1];
        if (custom instanceof Mmul) {
            Exec blas = BlasGemm.prepare(custom, arrays);
            if (blas != null) {
                return blas;
            }
        }
        if (custom != null) {
            Exec elementWise = BinaryElementWise.prepare(custom, arrays);
            if (elementWise != null) {
                return elementWise;
            }
            long hash = custom.opHash();
            Pointer ctx = context.contextPointer();
            String name = custom.opName();
            return () -> check(Native.OPS, Native.OPS.execCustomOp2(null, hash, ctx), name);
        }
        if (!Native.CPU_BUFFER.isInstance(x.data()) || !Native.CPU_BUFFER.isInstance(z.data())) {
            return null;
        }
        // the op's extra arguments (Step's cutoff) as the executioner passes them: a constant buffer of z's type,
        // which the op keeps (and the tape keeps the op, its scalar and its arrays for as long as it replays)
        Object[] extraArgs = legacy.extraArgs();
        Pointer extra = extraArgs == null || extraArgs.length == 0 ? null
                : legacy.extraArgsDataBuff(z.dataType()).addressPointer();
        String name = legacy.opName();
        int opNum = legacy.opNum();
        OpaqueDataBuffer xb = buffer(x);
        LongPointer xs = shape(x);
        OpaqueDataBuffer zb = buffer(z);
        LongPointer zs = shape(z);
        NativeOps ops = Native.OPS;
        PointerPointer extras = Native.EXTRAS;
        if (legacy instanceof ScalarOp s && s.getOpType() == Op.Type.SCALAR) {
            INDArray scalar = s.scalar();
            if (scalar == null || !Native.CPU_BUFFER.isInstance(scalar.data()) || scalar.dataType() != x.dataType()) {
                return null;
            }
            OpaqueDataBuffer sb = buffer(scalar);
            LongPointer ss = shape(scalar);
            return () -> {
                ops.execScalar(extras, opNum, xb, xs, null, zb, zs, null, sb, ss, null, extra);
                check(ops, 0, name);
            };
        }
        if (legacy instanceof TransformOp t) {
            TransformEntry entry = switch (t.getOpType()) {
                case TRANSFORM_STRICT -> ops::execTransformStrict;
                case TRANSFORM_SAME -> ops::execTransformSame;
                case TRANSFORM_FLOAT -> ops::execTransformFloat;
                case TRANSFORM_ANY -> ops::execTransformAny;
                default -> null;
            };
            if (entry == null) {
                return null;
            }
            return () -> {
                entry.exec(extras, opNum, xb, xs, null, zb, zs, null, extra);
                check(ops, 0, name);
            };
        }
        return null;
    }

    /**
     * Element-wise {@code x + y}, {@code x - y} and {@code x * y}, called as libnd4j's legacy pairwise transform (three
     * arrays of one shape) or legacy broadcast ({@code [n, k]} with a row {@code [k]} or {@code [1, k]}, or with a
     * column {@code [n, 1]}) instead of the custom op ND4J's {@code AddOp}, {@code SubOp} and {@code MulOp} are: one
     * IEEE operation per value either way, so the same bits. Measured: 0.2 us a call instead of 0.7-0.9 us on an LSTM
     * step's {@code [32, 20]} and {@code [32, 80]} arrays, where the custom op's argument checks and shape inference
     * outweigh the arithmetic; a layer-normalization step's {@code [32, 80] * [80]} 0.5 us instead of 2.2 us.
     */
    static final class BinaryElementWise {
        private BinaryElementWise() {
        }

        /** libnd4j's legacy pairwise op numbers ({@code legacy_ops.h}), checked once by {@link #WORKS}. */
        private static final int ADD = 0;
        private static final int MULTIPLY = 3;
        private static final int SUBTRACT = 6;
        /** The same ops' legacy broadcast numbers (ND4J's {@code BroadcastAddOp}, {@code BroadcastSubOp}, ...). */
        private static final int BROADCAST_ADD = 0;
        private static final int BROADCAST_SUBTRACT = 1;
        private static final int BROADCAST_MULTIPLY = 2;

        /** Whether the op numbers compute what they are taken for in this libnd4j (else: custom ops, as before). */
        static final boolean WORKS = selfCheck();

        private static boolean selfCheck() {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray x = Nd4j.createFromArray(2f, -3f, 0.5f);
                INDArray y = Nd4j.createFromArray(5f, 7f, 0.25f);
                INDArray z = Nd4j.create(DataType.FLOAT, 3);
                INDArray m = Nd4j.createFromArray(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
                INDArray row = Nd4j.createFromArray(10f, 20f, 30f);
                INDArray col = Nd4j.createFromArray(new float[][] {{100f}, {200f}});
                INDArray mz = Nd4j.create(DataType.FLOAT, 2, 3);
                return computes(ADD, x, y, z, new float[] {7f, 4f, 0.75f})
                        && computes(MULTIPLY, x, y, z, new float[] {10f, -21f, 0.125f})
                        && computes(SUBTRACT, x, y, z, new float[] {-3f, -10f, 0.25f})
                        && broadcasts(BROADCAST_ADD, m, row, 1, mz, new float[] {11f, 22f, 33f, 14f, 25f, 36f})
                        && broadcasts(BROADCAST_SUBTRACT, m, col, 0, mz, new float[] {-99f, -98f, -97f, -196f, -195f, -194f})
                        && broadcasts(BROADCAST_MULTIPLY, m, row, 1, mz, new float[] {10f, 40f, 90f, 40f, 100f, 180f});
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }

        private static boolean computes(int opNum, INDArray x, INDArray y, INDArray z, float[] expected) {
            z.assign(Float.NaN);
            call(opNum, "self-check", x, y, z).run();
            java.lang.ref.Reference.reachabilityFence(x); // the call holds only their native pointers
            java.lang.ref.Reference.reachabilityFence(y);
            return java.util.Arrays.equals(z.toFloatVector(), expected);
        }

        private static boolean broadcasts(int opNum, INDArray x, INDArray y, int dim, INDArray z, float[] expected) {
            z.assign(Float.NaN);
            new BroadcastCall(opNum, "self-check", x, y, z, dim).run();
            return java.util.Arrays.equals(z.reshape(z.length()).toFloatVector(), expected);
        }

        /** The legacy call for {@code custom} of {@code arrays} ({@code x, y, z}), or null. */
        static Exec prepare(CustomOp custom, INDArray[] arrays) {
            Class<?> c = custom.getClass();
            int kind = c == AddOp.class ? 0 : c == SubOp.class ? 1 : c == MulOp.class ? 2 : -1;
            if (kind < 0 || arrays.length != 3 || !WORKS) {
                return null;
            }
            INDArray x = arrays[0];
            INDArray y = arrays[1];
            INDArray z = arrays[2];
            DataType type = z.dataType();
            if (x.dataType() != type || y.dataType() != type || (type != DataType.FLOAT && type != DataType.DOUBLE)
                    || x.isEmpty() || y.isEmpty() || !java.util.Arrays.equals(x.shape(), z.shape())) {
                return null;
            }
            for (INDArray a : arrays) {
                if (!Native.CPU_BUFFER.isInstance(a.data())) {
                    return null;
                }
            }
            String name = custom.opName();
            if (java.util.Arrays.equals(y.shape(), z.shape())) {
                return call(new int[] {ADD, SUBTRACT, MULTIPLY}[kind], name, x, y, z);
            }
            // broadcasting, numpy's rules for the two cases the layers record (x is the matrix: z = x op y)
            if (z.rank() != 2 || z.size(0) < 2 || z.size(1) < 2) {
                return null;
            }
            long n = z.size(0);
            long k = z.size(1);
            boolean row = (y.rank() == 1 && y.size(0) == k) || (y.rank() == 2 && y.size(0) == 1 && y.size(1) == k);
            boolean column = y.rank() == 2 && y.size(0) == n && y.size(1) == 1;
            if (!row && !column) {
                return null;
            }
            return new BroadcastCall(new int[] {BROADCAST_ADD, BROADCAST_SUBTRACT, BROADCAST_MULTIPLY}[kind], name,
                    x, y, z, row ? 1 : 0);
        }

        private static Exec call(int opNum, String name, INDArray x, INDArray y, INDArray z) {
            NativeOps ops = Native.OPS;
            PointerPointer extras = Native.EXTRAS;
            OpaqueDataBuffer xb = buffer(x);
            LongPointer xs = shape(x);
            OpaqueDataBuffer yb = buffer(y);
            LongPointer ys = shape(y);
            OpaqueDataBuffer zb = buffer(z);
            LongPointer zs = shape(z);
            return () -> {
                ops.execPairwiseTransform(extras, opNum, xb, xs, null, yb, ys, null, zb, zs, null, null);
                DirectCpuCalls.check(ops, 0, name);
            };
        }
    }

    /**
     * libnd4j's legacy broadcast of {@code y} along dimension {@code dim} of {@code x} into {@code z}, with the
     * arguments ND4J's executioner passes (the tensor-along-dimension shapes of x and z as extra pointers). Holds the
     * arrays whose native memory the call reads, the dimension array included.
     */
    private static final class BroadcastCall implements Exec {
        private final NativeOps ops = Native.OPS;
        private final int opNum;
        private final String name;
        private final INDArray[] arrays;
        private final INDArray dimension;
        private final org.nd4j.linalg.api.buffer.DataBuffer[] tads;
        private final PointerPointer extras;
        private final OpaqueDataBuffer xb;
        private final LongPointer xs;
        private final OpaqueDataBuffer yb;
        private final LongPointer ys;
        private final OpaqueDataBuffer zb;
        private final LongPointer zs;
        private final OpaqueDataBuffer db;
        private final LongPointer ds;

        BroadcastCall(int opNum, String name, INDArray x, INDArray y, INDArray z, int dim) {
            this.opNum = opNum;
            this.name = name;
            this.arrays = new INDArray[] {x, y, z};
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                dimension = Nd4j.createFromArray(dim);
            }
            org.nd4j.linalg.cache.TADManager tadManager = Nd4j.getExecutioner().getTADManager();
            org.nd4j.common.primitives.Pair<org.nd4j.linalg.api.buffer.DataBuffer, org.nd4j.linalg.api.buffer.DataBuffer>
                    tx = tadManager.getTADOnlyShapeInfo(x, dim);
            org.nd4j.common.primitives.Pair<org.nd4j.linalg.api.buffer.DataBuffer, org.nd4j.linalg.api.buffer.DataBuffer>
                    tz = tadManager.getTADOnlyShapeInfo(z, dim);
            tads = new org.nd4j.linalg.api.buffer.DataBuffer[] {tx.getFirst(), tx.getSecond(), tz.getFirst(),
                tz.getSecond()};
            extras = new PointerPointer(32);
            extras.put(tads[0].addressPointer(), tads[1].addressPointer(), tads[2].addressPointer(),
                    tads[3].addressPointer());
            xb = buffer(x);
            xs = shape(x);
            yb = buffer(y);
            ys = shape(y);
            zb = buffer(z);
            zs = shape(z);
            db = buffer(dimension);
            ds = shape(dimension);
        }

        @Override
        public void run() {
            ops.execBroadcast(extras, opNum, xb, xs, null, yb, ys, null, zb, zs, null, db, ds, null);
            check(ops, 0, name);
        }
    }

    private static OpaqueDataBuffer buffer(INDArray a) {
        try {
            return (OpaqueDataBuffer) Native.OPAQUE.invoke(a.data());
        } catch (Throwable e) {
            throw new IllegalStateException("could not read the native buffer of an ND4J array", e);
        }
    }

    private static LongPointer shape(INDArray a) {
        return (LongPointer) a.shapeInfoDataBuffer().addressPointer();
    }

    /** Throws when libnd4j reports a failure of op {@code name} (a non-zero {@code status} or error code). */
    private static void check(NativeOps ops, int status, String name) {
        if (status != 0 || ops.lastErrorCode() != 0) {
            throw new IllegalStateException("ND4J op " + name + " failed: " + ops.lastErrorMessage());
        }
    }
}
