package io.github.seqbook.layers.engine;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.TransformOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
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
     * A matrix product calls BLAS itself when it can ({@link BlasGemm}). The call holds only native pointers: the
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
