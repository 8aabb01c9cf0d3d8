package io.github.seqbook.layers.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.seqbook.SequenceLayout;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J side of the recurrent layers of {@code io.github.seqbook.layers}: input and output conversion, stored
 * state for {@code rnnTimeStep}, gradients, and the time-major work arrays and op tapes the subclasses compute with.
 *
 * <p>Why this shape: with 20 units every ND4J op costs far more in dispatch than in arithmetic. So a subclass
 * records the ops of its forward and backward passes once per batch shape on an {@link OpTape}, working on arrays
 * this class owns (inputs, states, a copy of the parameters, gradient buffers), and every batch of that shape
 * only copies its data in and replays the tapes. Subclasses do the work that does not depend on the previous
 * step (input products, weight gradients) once for all steps and only the recurrence per step. The forward pass
 * of a training step is kept for its backward pass (as DL4J's batch normalization keeps its statistics) instead
 * of being recomputed as DL4J's SimpleRnn does.
 *
 * <p>The output is handed over time-major ({@code [steps, batch, units]} in c order, seen in the layer's data
 * format): the library's layers after it (recurrent, {@code CausalConv1D}, the output layers) read that memory in
 * place. dL/d input takes the input's layout: time-major after one of the library's layers, DL4J's f order after
 * DL4J's.
 *
 * <p>Keras' dropout (the configuration's {@code inputDropout} and {@code recurrentDropout}) is recorded into a second
 * forward tape, replayed only in training passes after new masks are drawn ({@link KerasDropout}); inference replays
 * the plain tape, so a trained model's output costs nothing extra. The backward tape follows the masked forward
 * pass when the layer has dropout (it only ever follows a training pass).
 *
 * <p>Recorded forward passes fill {@link #h} from {@link #x} ({@code h.step(0)} is the initial state,
 * {@code h.step(t + 1)} the output of step {@code t}); recorded backward passes turn {@link #dh} (dL/d output per
 * step) into parameter gradients and {@link #dx}. A layer whose steps carry more than {@code h} (the LSTM's cell
 * state) lists them in {@link #extraStateKeys()}; they are set, stored and restored like {@code h}.
 *
 * @param <C> the layer configuration
 */
public abstract class TimeMajorRnnImpl<C extends CustomRecurrentLayer> extends BaseRecurrentLayer<C> {
    /** Key of the last state in the {@code rnnTimeStep} and truncated-BPTT state maps. */
    static final String STATE_KEY = "h";

    /** Inputs, {@code [steps, batch, nIn]}. */
    protected StepArray x;
    /** States, {@code [steps + 1, batch, units]}: the initial state, then the output of each step. */
    protected StepArray h;
    /** dL/d output of each step, {@code [steps, batch, units]}; backward may overwrite it. */
    protected StepArray dh;
    /** dL/d input of each step, {@code [steps, batch, nIn]}, written by backward. */
    protected StepArray dx;

    private final List<ParamSpec> specs;
    /** The parameters the tapes read: a copy, made before every forward pass, of the (possibly noised) parameters. */
    private final Map<String, INDArray> paramCopies = new LinkedHashMap<>();
    /** The gradients the backward tape writes, copied into DL4J's gradient views afterwards. */
    private final Map<String, INDArray> gradBuffers = new LinkedHashMap<>();
    private int batch = -1;
    private int steps = -1;
    private OpTape forwardTape;
    /** The forward pass with Keras' dropout masks; recorded on the first training pass that needs it. */
    private OpTape dropoutForwardTape;
    private OpTape backwardTape;
    /** Keras' dropout masks and products for the current batch shape ({@link KerasDropout#NONE} without dropout). */
    private KerasDropout dropout = KerasDropout.NONE;
    /** The input the kept forward pass was computed from; null when there is none to reuse. */
    private INDArray forwardInput;

    protected TimeMajorRnnImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.specs = ((CustomRecurrentLayer) conf.getLayer()).paramSpecs();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (ParamSpec spec : specs) {
                paramCopies.put(spec.key(), Nd4j.create(dataType, spec.shape()));
                gradBuffers.put(spec.key(), Nd4j.create(dataType, spec.shape()));
            }
        }
    }

    /** Allocates the subclass's forward work arrays for a new batch shape (called outside workspaces). */
    protected abstract void allocateForward(DataType type, int batch, int steps);

    /** Allocates the subclass's backward work arrays for the current batch shape (called outside workspaces). */
    protected abstract void allocateBackward(DataType type, int batch, int steps);

    /**
     * Records the ops that compute {@code h.step(1..steps)} from {@link #x} and {@code h.step(0)}, with the input and
     * recurrent products of {@code dropout} ({@link KerasDropout#NONE}: plain products; a layer whose configuration
     * has no dropout gates always gets NONE).
     */
    protected abstract void recordForward(OpTape tape, Map<String, INDArray> params, int steps, KerasDropout dropout);

    /**
     * Records the ops that, from {@link #dh} and the kept forward pass, write every parameter gradient into
     * {@code grads} (which hold stale values beforehand) and dL/dx into {@link #dx}; {@code dropout} is the one the
     * kept forward pass was recorded with.
     */
    protected abstract void recordBackward(OpTape tape, Map<String, INDArray> params, Map<String, INDArray> grads,
                                           int steps, KerasDropout dropout);

    /**
     * The subclass's work arrays of the current batch shape (whatever {@link #allocateForward} and
     * {@link #allocateBackward} set), to be given back by {@link #restoreWorkArrays} when that shape returns.
     */
    protected abstract Object saveWorkArrays();

    /** Makes the work arrays saved by {@link #saveWorkArrays} the current ones again. */
    protected abstract void restoreWorkArrays(Object saved);

    /** The Keras dropout masks of the current batch shape, or null before the first pass (for tests). */
    final KerasDropout dropout() {
        return batch < 0 ? null : dropout;
    }

    /**
     * State-map keys of the states a step carries to the next besides {@link #h} (the LSTM's cell state). None by
     * default.
     */
    protected List<String> extraStateKeys() {
        return List.of();
    }

    /**
     * The work array of extra state {@code key}, {@code [steps + 1, batch, units]} with the initial state at step 0
     * (zeros unless a stored state is given), allocated by {@link #allocateForward}.
     */
    protected StepArray extraState(String key) {
        throw new IllegalArgumentException("no state " + key);
    }

    /** Number of units (size of the state and of each output step). */
    protected final int units() {
        return Math.toIntExact(layerConf().getNOut());
    }

    /** Number of input features per step. */
    protected final int inputs() {
        return Math.toIntExact(layerConf().getNIn());
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        forwardInput = null;
        super.setInput(input, workspaceMgr);
    }

    /** DL4J's dropout on the input ({@code IDropout}), on a time-major input in DL4J's layout first. */
    @Override
    protected void applyDropOutIfNecessary(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (training && !dropoutApplied && layerConf().getIDropout() != null && input != null && input.rank() == 3) {
            input = StepArray.forDl4jDropout(input, toTimeMajor(input), workspaceMgr);
        }
        super.applyDropOutIfNecessary(training, workspaceMgr);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return run(Map.of(), training, workspaceMgr);
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = run(stateMap, false, workspaceMgr);
        stateMap.putAll(lastStates());
        return out;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = run(tBpttStateMap, training, workspaceMgr);
        if (storeLastForTBPTT) {
            tBpttStateMap.putAll(lastStates());
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
                                                          LayerWorkspaceMgr workspaceMgr) {
        if (tbpttBackLength > 0 && tbpttBackLength < steps) {
            throw new UnsupportedOperationException(getClass().getSimpleName()
                    + " backpropagates through the whole segment only; set tBPTTBackwardLength = tBPTTForwardLength");
        }
        return backpropGradient(epsilon, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (forwardInput == null || forwardInput != input) {
            // No kept forward pass for this input: compute it, from the same initial state.
            run(h != null && h.step(0).size(0) == input.size(0) ? initialStates() : Map.of(), true, workspaceMgr);
        }
        if (backwardTape == null) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                dh = new StepArray(dataType, steps, batch, units());
                dx = new StepArray(dataType, steps, batch, inputs());
                allocateBackward(dataType, batch, steps);
                backwardTape = new OpTape(dataType);
                recordBackward(backwardTape, paramCopies, gradBuffers, steps, dropout);
            }
        }
        INDArray eps = epsilon.castTo(dataType);
        if (!Arrays.equals(eps.shape(), outputShape())) {
            throw new IllegalArgumentException("epsilon must have shape " + Arrays.toString(outputShape()) + ", got "
                    + Arrays.toString(eps.shape()));
        }
        BlockTransposeCopy.copy(toTimeMajor(eps), dh.all());
        backwardTape.run();
        for (ParamSpec spec : specs) {
            gradientViews.get(spec.key()).assign(gradBuffers.get(spec.key()));
        }

        // dL/d input in the input's layout: time-major when the layer before is one of the library's (a plain copy
        // of the work array, read in place there), else DL4J's f order (a DL4J layer's results may depend on it)
        INDArray epsOut;
        if (StepArray.isDense(toTimeMajor(input))) {
            epsOut = fromTimeMajor(workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                    new long[] {steps, batch, inputs()}, 'c').assign(dx.all()));
        } else {
            epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'f');
            BlockTransposeCopy.copy(fromTimeMajor(dx.all()), epsOut);
        }
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (ParamSpec spec : specs) {
            gradient.gradientForVariable().put(spec.key(), gradientViews.get(spec.key()));
        }
        weightNoiseParams.clear();
        forwardInput = null;
        return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
    }

    /**
     * Runs the forward pass from the initial states in {@code initial} (by state key; zeros for a missing key) and
     * returns the output sequence.
     */
    private INDArray run(Map<String, INDArray> initial, boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (maskArray != null) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support masks");
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray in = input.castTo(dataType);
        int featureDim = getDataFormat() == RNNFormat.NCW ? 1 : 2;
        if (in.rank() != 3 || in.size(featureDim) != inputs()) {
            throw new DL4JInvalidInputException(getClass().getSimpleName() + " (layer " + index + ") expects "
                    + (getDataFormat() == RNNFormat.NCW ? "[batch, " + inputs() + ", steps]" : "[batch, steps, " + inputs() + "]")
                    + " input, got shape " + Arrays.toString(in.shape()));
        }
        int n = Math.toIntExact(in.size(0));
        int t = Math.toIntExact(in.size(getDataFormat() == RNNFormat.NCW ? 2 : 1));
        for (String key : stateKeys()) {
            INDArray s0 = initial.get(key);
            if (s0 != null && (s0.rank() != 2 || s0.size(0) != n || s0.size(1) != units())) {
                throw new IllegalStateException("Stored state " + key + " has shape " + Arrays.toString(s0.shape())
                        + " but the batch needs [" + n + ", " + units() + "]: call rnnClearPreviousState() when the batch size changes");
            }
        }
        ensureShape(n, t);
        BlockTransposeCopy.copy(toTimeMajor(in), x.all());
        for (String key : stateKeys()) {
            INDArray s0 = initial.get(key);
            if (s0 == null) {
                state(key).step(0).assign(0);
            } else {
                state(key).step(0).assign(s0);
            }
        }
        for (ParamSpec spec : specs) {
            paramCopies.get(spec.key()).assign(getParamWithNoise(spec.key(), training, workspaceMgr));
        }
        if (training && dropout.active()) {
            if (dropoutForwardTape == null) {
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    dropoutForwardTape = new OpTape(dataType);
                    recordForward(dropoutForwardTape, paramCopies, steps, dropout);
                }
            }
            dropout.draw();
            dropoutForwardTape.run();
        } else {
            forwardTape.run();
        }
        forwardInput = training ? input : null;

        // The output time-major ([steps, batch, units], c order) seen in the data format: a plain copy of the work
        // array, and the layers after (recurrent, CausalConv1D, SequenceOutputLayer) read it without a copy.
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {steps, batch, units()}, 'c');
        out.assign(h.all().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, steps + 1)));
        return fromTimeMajor(out);
    }

    private void ensureShape(int n, int t) {
        if (n == batch && t == steps && x != null && x.all().dataType() == dataType) {
            return;
        }
        // An epoch alternates between batch shapes (full batches, the last partial one, validation chunks of
        // Training.PREDICT_BATCH): keep the recorded tapes of recent small shapes instead of recording them again.
        if (x != null) {
            shelve();
        }
        ShapeState kept = shelved.remove(shapeKey(n, t));
        if (kept != null && kept.x.all().dataType() == dataType) {
            kept.restore(this);
            return;
        }
        if (kept != null) {
            kept.close();
        }
        batch = n;
        steps = t;
        recordings++;
        dh = null;
        dx = null;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            x = new StepArray(dataType, t, n, inputs());
            h = new StepArray(dataType, t + 1, n, units());
            allocateForward(dataType, n, t);
            CustomRecurrentLayer conf = layerConf();
            dropout = conf.dropoutGates() == 0 ? KerasDropout.NONE : KerasDropout.of(dataType, conf.getInputDropout(),
                    conf.getRecurrentDropout(), conf.dropoutGates(), n, t, inputs(), units());
            forwardTape = new OpTape(dataType);
            recordForward(forwardTape, paramCopies, t, KerasDropout.NONE);
        }
    }

    /** At most this many other batch shapes keep their tapes and work arrays. */
    private static final int SHELVED_SHAPES = 3;
    /**
     * Only shapes whose work arrays are small are kept: {@code batch * steps * max(units, inputs)} at most this
     * (2M values: the chapter's validation chunks of 250 x 50 steps x 20 units are 250k; notebook 06's 250 chorale
     * windows x 131 steps x 256 units, 8.4M, are recorded again instead of held).
     */
    private static final long SHELVED_MAX_VALUES = 2_000_000;

    private final java.util.LinkedHashMap<Long, ShapeState> shelved = new java.util.LinkedHashMap<>();

    private int recordings;

    /** Number of forward recordings so far: a batch shape records when it is new or was not kept. */
    public final int recordings() {
        return recordings;
    }

    /** Frees the tapes and work arrays kept for batch shapes other than the current one (recorded again on use). */
    public final void forgetShapes() {
        shelved.values().forEach(ShapeState::close);
        shelved.clear();
    }

    private static long shapeKey(int n, int t) {
        return ((long) n << 32) | t;
    }

    /** Moves the current shape's state to {@link #shelved} (or frees it when it is too large to keep). */
    private void shelve() {
        ShapeState current = new ShapeState(this);
        batch = -1;
        steps = -1;
        x = null;
        forwardTape = null;
        dropoutForwardTape = null;
        backwardTape = null;
        if ((long) current.batch * current.steps * Math.max(units(), inputs()) > SHELVED_MAX_VALUES) {
            current.close();
            return;
        }
        shelved.put(shapeKey(current.batch, current.steps), current);
        while (shelved.size() > SHELVED_SHAPES) {
            Long eldest = shelved.keySet().iterator().next();
            shelved.remove(eldest).close();
        }
    }

    /** One batch shape's arrays and tapes, kept while another shape is in use. */
    private static final class ShapeState {
        final int batch;
        final int steps;
        final StepArray x;
        final StepArray h;
        final StepArray dh;
        final StepArray dx;
        final OpTape forwardTape;
        final OpTape dropoutForwardTape;
        final OpTape backwardTape;
        final KerasDropout dropout;
        final Object work;

        ShapeState(TimeMajorRnnImpl<?> layer) {
            batch = layer.batch;
            steps = layer.steps;
            x = layer.x;
            h = layer.h;
            dh = layer.dh;
            dx = layer.dx;
            forwardTape = layer.forwardTape;
            dropoutForwardTape = layer.dropoutForwardTape;
            backwardTape = layer.backwardTape;
            dropout = layer.dropout;
            work = layer.saveWorkArrays();
        }

        void restore(TimeMajorRnnImpl<?> layer) {
            layer.batch = batch;
            layer.steps = steps;
            layer.x = x;
            layer.h = h;
            layer.dh = dh;
            layer.dx = dx;
            layer.forwardTape = forwardTape;
            layer.dropoutForwardTape = dropoutForwardTape;
            layer.backwardTape = backwardTape;
            layer.dropout = dropout;
            layer.restoreWorkArrays(work);
        }

        void close() {
            for (OpTape tape : new OpTape[] {forwardTape, dropoutForwardTape, backwardTape}) {
                if (tape != null) {
                    tape.close();
                }
            }
        }
    }

    /** {@link #STATE_KEY}, then {@link #extraStateKeys()}. */
    private List<String> stateKeys() {
        List<String> keys = new java.util.ArrayList<>();
        keys.add(STATE_KEY);
        keys.addAll(extraStateKeys());
        return keys;
    }

    private StepArray state(String key) {
        return STATE_KEY.equals(key) ? h : extraState(key);
    }

    /** Detached copies of every state after the last step, for the state maps. */
    private Map<String, INDArray> lastStates() {
        return copyStates(steps);
    }

    /** Detached copies of the initial states of the current forward pass. */
    private Map<String, INDArray> initialStates() {
        return copyStates(0);
    }

    private Map<String, INDArray> copyStates(int step) {
        Map<String, INDArray> out = new HashMap<>();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (String key : stateKeys()) {
                out.put(key, state(key).step(step).dup());
            }
        }
        return out;
    }

    private long[] outputShape() {
        return getDataFormat() == RNNFormat.NCW ? new long[] {batch, units(), steps} : new long[] {batch, steps, units()};
    }

    private INDArray toTimeMajor(INDArray a) {
        return SequenceLayout.toTimeMajor(a, getDataFormat());
    }

    private INDArray fromTimeMajor(INDArray a) {
        return SequenceLayout.fromTimeMajor(a, getDataFormat());
    }
}
