package io.github.seqbook.layers.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.clip.ClipByValue;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fixed sequence of ND4J ops on fixed arrays, recorded once and then replayed as often as needed: the recurrent
 * layers of {@code io.github.seqbook.layers} record the ops of a whole forward (or backward) pass for one batch shape
 * and replay them for every batch of that shape, after copying the batch into the recorded arrays.
 *
 * <p>Why: at the chapter's sizes (20 units, batches of 32) an ND4J op spends most of its time in the Java-side
 * set-up (op object, shape checks, native context) rather than in arithmetic; replaying an op with a prepared
 * native context cuts that to a few microseconds (measured: a small matrix product 15 to 5 us, an element-wise
 * product 13 to 3.5 us), and on the CPU backend calling libnd4j directly with pointers prepared at recording
 * ({@link DirectCpuCalls}) to about 1 us for a custom op and 0.2 us for a legacy one. The ops are ordinary ND4J
 * ops, so the tape works on any backend (elsewhere through the executioner).
 *
 * <p>Recording methods read as the math they record; every array passed must stay valid (and keep its
 * contents' meaning) for as long as the tape is replayed, which is why the layers record on their own arrays
 * allocated outside DL4J's workspaces. Binary element-wise ops broadcast numpy-style ({@code [n, k] ⊙ [k]},
 * {@code [n, k] ⊙ [n, 1]}).
 */
public final class OpTape implements AutoCloseable {
    private final DataType type;
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, INDArray> scratch = new HashMap<>();
    private final Map<String, INDArray> constants = new HashMap<>();

    /** A tape whose scratch and constant arrays have type {@code type}. */
    public OpTape(DataType type) {
        this.type = type;
    }

    /** Number of recorded ops. */
    public int size() {
        return calls.size();
    }

    /**
     * Makes recorded op {@code call} (an index below {@link #size()}) read input {@code i} from {@code a} from now
     * on: for data that arrive in a new array every pass (DL4J's input and gradient arrays). {@code a} must have the
     * shape of the array it replaces; its strides may differ.
     */
    public void rebindInput(int call, int i, INDArray a) {
        Call c = calls.get(call);
        c.context.setInputArray(i, a);
        c.arrays[i] = a;
        c.prepare();
    }

    /** Makes recorded op {@code call} write to {@code a} (same shape as before) from now on. */
    public void rebindOutput(int call, INDArray a) {
        Call c = calls.get(call);
        c.context.setOutputArray(0, a);
        c.arrays[c.arrays.length - 1] = a;
        c.prepare();
    }

    /** Number of recorded ops that replay as prepared native calls ({@link DirectCpuCalls}), for tests. */
    int directCount() {
        return (int) calls.stream().filter(c -> c.direct != null).count();
    }

    /** Replays every recorded op in order. */
    public void run() {
        run(0);
    }

    /** Replays the recorded ops from op {@code from} on (to skip a leading copy whose result is not needed). */
    public void run(int from) {
        OpExecutioner executioner = Nd4j.getExecutioner();
        for (int i = from; i < calls.size(); i++) {
            calls.get(i).run(executioner);
        }
    }

    /** Frees the native op contexts. The tape must not be run afterwards. */
    @Override
    public void close() {
        for (Call call : calls) {
            try {
                call.context.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not free an ND4J op context", e);
            }
        }
        calls.clear();
    }

    // ---- arrays owned by the tape ------------------------------------------------------------------------------

    /**
     * A zero-filled work array of the given shape, shared by every recording that asks for the same name and
     * shape: for temporaries that do not carry values from one recorded step to the next.
     */
    public INDArray scratch(String name, long... shape) {
        return scratch.computeIfAbsent(name + Arrays.toString(shape), k -> detached(shape));
    }

    /** An array of the given shape filled with {@code value}, shared by all requests for the same; never write it. */
    public INDArray constant(double value, long... shape) {
        return constants.computeIfAbsent(value + Arrays.toString(shape), k -> detached(shape).assign(value));
    }

    private INDArray detached(long... shape) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(type, shape);
        }
    }

    // ---- recording ---------------------------------------------------------------------------------------------

    /**
     * {@code c = op(a)·op(b)}, or {@code c += op(a)·op(b)} when {@code accumulate}; {@code op} transposes when
     * asked. {@code c} must be contiguous (ND4J's rule for matrix-product outputs); {@code a} and {@code b} may be
     * strided views.
     */
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, boolean accumulate) {
        if (c.elementWiseStride() != 1) {
            throw new IllegalArgumentException("gemm output must be contiguous, got strides " + Arrays.toString(c.stride()));
        }
        MMulTranspose t = MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build();
        custom(new Mmul(a, b, c, 1.0, accumulate ? 1.0 : 0.0, t), new INDArray[] {a, b}, c);
    }

    /** {@code z = x + y}. */
    public void add(INDArray x, INDArray y, INDArray z) {
        custom(new AddOp(x, y, z), new INDArray[] {x, y}, z);
    }

    /** {@code z = x - y}. */
    public void sub(INDArray x, INDArray y, INDArray z) {
        custom(new SubOp(x, y, z), new INDArray[] {x, y}, z);
    }

    /** {@code z = x ⊙ y}. */
    public void mul(INDArray x, INDArray y, INDArray z) {
        custom(new MulOp(x, y, z), new INDArray[] {x, y}, z);
    }

    /** {@code z = tanh(x)}. */
    public void tanh(INDArray x, INDArray z) {
        legacy(new Tanh(x, z), x, z);
    }

    /** {@code z = sigmoid(x)}. */
    public void sigmoid(INDArray x, INDArray z) {
        legacy(new Sigmoid(x, z), x, z);
    }

    /** {@code z = x ⊙ (1 - x)}: the sigmoid's derivative, from the sigmoid's output {@code x}. */
    public void timesOneMinus(INDArray x, INDArray z) {
        legacy(new TimesOneMinus(x, z), x, z);
    }

    /** {@code z = 1 - x²}: tanh's derivative, from tanh's output {@code x}. */
    public void oneMinusSquare(INDArray x, INDArray z) {
        mul(x, x, z);
        legacy(new ScalarReverseSubtraction(z, null, z, 1.0), z, z);
    }

    /** {@code z = max(x, 0)}. */
    public void relu(INDArray x, INDArray z) {
        legacy(new RectifiedLinear(x, z, 0.0), x, z);
    }

    /**
     * {@code z = x > 0 ? eps : 0}: ReLU's backward pass, from its input or output {@code x}, as two ops (a 0/1 step,
     * then a product): measured 3 times cheaper than ND4J's {@code relu_bp}. {@code z} must not be {@code eps}.
     */
    public void reluBackward(INDArray x, INDArray eps, INDArray z) {
        if (z == eps) {
            throw new IllegalArgumentException("reluBackward: z must not be eps (the step overwrites it first)");
        }
        legacy(new Step(x, z, 0.0), x, z);
        mul(z, eps, z);
    }

    /** {@code z = x} (any strides, same shape). */
    public void copy(INDArray x, INDArray z) {
        legacy(new org.nd4j.linalg.api.ops.impl.transforms.any.Assign(x, z), x, z);
    }

    /** {@code z = x + value}. */
    public void addScalar(INDArray x, double value, INDArray z) {
        legacy(new ScalarAdd(x, null, z, value), x, z);
    }

    /** {@code z = value * x} ({@code value = 1} copies, {@code 0} clears a finite array). */
    public void scale(INDArray x, double value, INDArray z) {
        legacy(new ScalarMultiplication(x, null, z, value), x, z);
    }

    /** {@code z = sign(x)} (-1, 0 or 1). */
    public void sign(INDArray x, INDArray z) {
        legacy(new Sign(x, z), x, z);
    }

    /** {@code z = min(max(x, low), high)}. */
    public void clip(INDArray x, double low, double high, INDArray z) {
        custom(new ClipByValue(x, low, high), new INDArray[] {x}, z);
    }

    /** {@code z = 1 / sqrt(x)}. */
    public void rsqrt(INDArray x, INDArray z) {
        legacy(new RSqrt(x, z), x, z);
    }

    /** {@code z[i, :] = row} for every row {@code i} of the contiguous matrix {@code z}; {@code row} is {@code [1, k]}. */
    public void fillRows(INDArray z, INDArray row) {
        gemm(constant(1.0, z.size(0), 1), row, z, false, false, false);
    }

    /** {@code z = Σ_i x[i, :]} (column sums) into the contiguous {@code [1, k]} row {@code z}, or {@code z +=} it. */
    public void sumRows(INDArray x, INDArray z, boolean accumulate) {
        gemm(constant(1.0, 1, x.size(0)), x, z, false, false, accumulate);
    }

    /** {@code z = mean_j x[:, j]} (row means) into the contiguous {@code [n, 1]} column {@code z}. */
    public void meanColumns(INDArray x, INDArray z) {
        gemm(x, constant(1.0 / x.size(1), x.size(1), 1), z, false, false, false);
    }

    private void custom(CustomOp op, INDArray[] inputs, INDArray output) {
        OpContext context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(inputs);
        context.setOutputArrays(output);
        context.setIArguments(op.iArgs());
        context.setTArguments(op.tArgs());
        context.setBArguments(op.bArgs());
        calls.add(new Call(null, op, context, keep(inputs, output)));
    }

    private void legacy(Op op, INDArray input, INDArray output) {
        OpContext context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(input);
        context.setOutputArrays(output);
        calls.add(new Call(op, null, context, keep(new INDArray[] {input}, output)));
    }

    /**
     * The arrays of an op, referenced by the tape: the native context holds only their addresses, and a view's
     * shape information is freed with the view once nothing references it (custom ops drop their arrays after
     * running), which left recorded ops reading freed shape buffers.
     */
    private static INDArray[] keep(INDArray[] inputs, INDArray output) {
        INDArray[] all = java.util.Arrays.copyOf(inputs, inputs.length + 1);
        all[inputs.length] = output;
        return all;
    }

    private static final class Call {
        final Op legacy;
        final CustomOp custom;
        final OpContext context;
        final INDArray[] arrays;
        /** The op's prepared native call ({@link DirectCpuCalls}), or null: through the executioner. */
        DirectCpuCalls.Exec direct;

        Call(Op legacy, CustomOp custom, OpContext context, INDArray[] arrays) {
            this.legacy = legacy;
            this.custom = custom;
            this.context = context;
            this.arrays = arrays;
            prepare();
        }

        /** (Re)prepares the direct call for the current arrays. */
        void prepare() {
            direct = DirectCpuCalls.prepare(custom, context, legacy, arrays);
        }

        void run(OpExecutioner executioner) {
            if (direct != null) {
                direct.run();
            } else if (custom != null) {
                executioner.exec(custom, context);
            } else {
                executioner.exec(legacy, context);
            }
        }
    }
}
