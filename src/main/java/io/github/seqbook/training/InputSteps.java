package io.github.seqbook.training;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling1D;
import org.deeplearning4j.nn.conf.layers.ZeroPadding1DLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping1D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The input lengths a network can read, worked out from its layer configurations, so that every place the library
 * feeds a model (predict, evaluate, fit, iterative forecasts, MC Dropout) refuses a bad length with its own message
 * before DL4J fails deep inside (or, worse, computes something Keras would not). Two rules:
 * <ul>
 *   <li>A {@code padding="valid"} convolution or pooling (DL4J's {@code Truncate}) outputs
 *       {@code floor((steps + 2 * padding - (kernel - 1) * dilation - 1) / stride) + 1} steps; when a layer is left
 *       with none, Keras has no output step and DL4J either fails ("Length must be >= 1") or, rounding toward zero,
 *       makes one up. Causal and "same" padding keep at least one step. The minimum input length follows from all
 *       such layers in order (cropping, zero padding and upsampling count too).</li>
 *   <li>A flatten in front of a dense layer (an input preprocessor such as {@code FlattenSequence} whose output
 *       grows with the number of steps) fixes the length: the dense layer reads exactly {@code nIn} values.</li>
 * </ul>
 * Layers whose output type DL4J cannot tell end the walk: nothing past them is checked, and DL4J's own checks apply.
 */
final class InputSteps {
    /** Longest input length searched for a minimum (no sensible chapter model needs more). */
    private static final long SEARCH_LIMIT = 1L << 24;

    private InputSteps() {
    }

    /**
     * Fails unless {@code model} can read series of {@code steps} steps with {@code features} values each.
     *
     * @param name the argument's name for the message, e.g. "x" or "train.x"
     * @throws IllegalArgumentException naming {@code name}, {@code steps} and the length the model needs
     */
    static void check(Model model, String name, long steps, long features) {
        Walk walk = walk(model, steps, features);
        if (walk.shortLayer != null) {
            long min = minimum(model, features);
            throw new IllegalArgumentException(String.format("%s has %s but this model needs at least %d: with fewer, "
                    + "its %s has no output step", name, steps(steps), min, walk.shortLayer));
        }
        if (walk.flatLayer != null && walk.flatSize != walk.flatExpected) {
            throw new IllegalArgumentException(String.format("%s has %s but this model reads %s: its %s takes a "
                    + "flattened window of %d values", name, steps(steps), fixedDescription(model, features),
                    walk.flatLayer, walk.flatExpected));
        }
    }

    /**
     * The one length a model with a flatten in front of a dense layer reads, or -1 for models that read sequences
     * of any (long enough) length.
     */
    static long fixedLength(Model model, long features) {
        long[] range = fixedRange(model, features);
        return range == null ? -1 : range[0];
    }

    /** "exactly 50 time steps", or "between 50 and 51 time steps" when strided layers map several onto one. */
    static String fixedDescription(Model model, long features) {
        long[] range = fixedRange(model, features);
        if (range == null) {
            return "no input length (its flattened window matches no number of steps)";
        }
        return range[0] == range[1] ? "exactly " + steps(range[0])
                : "between " + range[0] + " and " + steps(range[1]);
    }

    /** The smallest input length that leaves every layer at least one step. */
    static long minimum(Model model, long features) {
        if (walk(model, 1, features).shortLayer == null) {
            return 1;
        }
        long lo = 1;
        long hi = 2;
        while (walk(model, hi, features).shortLayer != null) {
            lo = hi;
            hi *= 2;
            if (hi > SEARCH_LIMIT) {
                return hi;
            }
        }
        // walk(lo) is too short, walk(hi) is not: output lengths never fall as the input grows.
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (walk(model, mid, features).shortLayer != null) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The lengths whose flattened window matches the dense layer, {@code {first, last}}; null when none does. */
    private static long[] fixedRange(Model model, long features) {
        long from = minimum(model, features);
        Walk first = walk(model, from, features);
        if (first.flatLayer == null) {
            return null;
        }
        long target = first.flatExpected;
        // The flattened size never falls as the input grows: binary search for the first length reaching the target.
        long lo = from;
        long hi = Math.max(from, target);
        while (walk(model, hi, features).flatSize < target && hi < SEARCH_LIMIT) {
            hi *= 2;
        }
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (walk(model, mid, features).flatSize < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (walk(model, lo, features).flatSize != target) {
            return null;
        }
        long last = lo;
        while (walk(model, last + 1, features).flatSize == target) {
            last++;
        }
        return new long[] {lo, last};
    }

    private static String steps(long n) {
        return n + (n == 1 ? " time step" : " time steps");
    }

    /** What a walk through the layers found for one input length. */
    private static final class Walk {
        /** The first layer left without an output step, described; null when every layer has one. */
        String shortLayer;
        /** The dense layer reading a flattened window, described; null when there is none. */
        String flatLayer;
        long flatSize = -1;
        long flatExpected = -1;
    }

    private static Walk walk(Model model, long steps, long features) {
        Walk w = new Walk();
        InputType in = InputType.recurrent(features, steps);
        if (model instanceof MultiLayerNetwork net) {
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            InputType t = in;
            for (int i = 0; i < conf.getConfs().size() && t != null; i++) {
                t = through(w, "layer " + i, i, conf.getInputPreProcess(i), conf.getConf(i).getLayer(), t);
            }
        } else if (model instanceof ComputationGraph graph) {
            ComputationGraphConfiguration conf = graph.getConfiguration();
            if (conf.getNetworkInputs().size() == 1) {
                Map<String, InputType> types = new HashMap<>();
                types.put(conf.getNetworkInputs().get(0), in);
                for (String out : conf.getNetworkOutputs()) {
                    typeOf(w, conf, out, types);
                }
            }
        }
        return w;
    }

    /** The output type of a graph vertex (null: unknown, or the walk already found a fault). */
    private static InputType typeOf(Walk w, ComputationGraphConfiguration conf, String name, Map<String, InputType> types) {
        if (types.containsKey(name)) {
            return types.get(name);
        }
        types.put(name, null); // guards against cycles; replaced below
        List<String> inputs = conf.getVertexInputs().get(name);
        GraphVertex vertex = conf.getVertices().get(name);
        InputType[] in = new InputType[inputs == null ? 0 : inputs.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = typeOf(w, conf, inputs.get(i), types);
            if (in[i] == null) {
                return null;
            }
        }
        InputType out = null;
        if (w.shortLayer == null && in.length > 0) {
            if (vertex instanceof LayerVertex lv && in.length == 1) {
                out = through(w, "layer \"" + name + "\"", -1, lv.getPreProcessor(), lv.getLayerConf().getLayer(), in[0]);
            } else {
                out = dl4jType(() -> vertex.getOutputType(-1, in));
                long length = Long.MAX_VALUE;
                for (InputType t : in) {
                    length = t instanceof InputType.InputTypeRecurrent r ? Math.min(length, r.getTimeSeriesLength()) : length;
                }
                if (out instanceof InputType.InputTypeRecurrent r && length != Long.MAX_VALUE) {
                    out = InputType.recurrent(r.getSize(), length, r.getFormat());
                }
            }
        }
        types.put(name, out);
        return out;
    }

    /**
     * One layer (with its input preprocessor) on a sequence type: records a layer left without steps or a flatten
     * and returns the output type, or null to stop (no time axis any more, a fault found, or a type DL4J cannot tell).
     */
    private static InputType through(Walk w, String where, int index, InputPreProcessor pre, Layer layer, InputType t) {
        if (!(t instanceof InputType.InputTypeRecurrent seq)) {
            return null;
        }
        if (pre != null) {
            InputType flat = dl4jType(() -> pre.getOutputType(seq));
            InputType longer = dl4jType(() -> pre.getOutputType(
                    InputType.recurrent(seq.getSize(), seq.getTimeSeriesLength() + 1, seq.getFormat())));
            if (flat instanceof InputType.InputTypeFeedForward ff && longer instanceof InputType.InputTypeFeedForward ff2
                    && ff.getSize() != ff2.getSize()) {
                // A flatten: the values it hands on grow with the steps, so the next dense layer fixes the length.
                if (Training.unwrapped(layer) instanceof FeedForwardLayer dense && dense.getNIn() > 0) {
                    w.flatLayer = where + " (" + Training.unwrapped(layer).getClass().getSimpleName() + ")";
                    w.flatSize = ff.getSize();
                    w.flatExpected = dense.getNIn();
                }
                return null;
            }
            if (flat == null) {
                return null;
            }
            t = flat;
            if (!(t instanceof InputType.InputTypeRecurrent)) {
                return null;
            }
        }
        long length = ((InputType.InputTypeRecurrent) t).getTimeSeriesLength();
        long outLength = lengthAfter(layer, length);
        if (outLength < 1) {
            w.shortLayer = where + " (" + describe(Training.unwrapped(layer)) + ")";
            return null;
        }
        InputType in = t;
        InputType out = dl4jType(() -> layer.getOutputType(index, in));
        if (out instanceof InputType.InputTypeRecurrent r) {
            // DL4J's own length arithmetic rounds a negative valid-convolution length up to one step: use ours.
            return InputType.recurrent(r.getSize(), outLength, r.getFormat());
        }
        return null;
    }

    /** Steps out of a layer for {@code length} steps in; layers that do not change the length return it. */
    static long lengthAfter(Layer layer, long length) {
        Layer l = Training.unwrapped(layer);
        if (l instanceof Convolution1DLayer c) {
            return convolved(length, c.getKernelSize()[0], c.getStride()[0], c.getDilation()[0], c.getPadding()[0],
                    c.getConvolutionMode());
        }
        if (l instanceof Subsampling1DLayer s) {
            return convolved(length, s.getKernelSize()[0], s.getStride()[0], s.getDilation()[0], s.getPadding()[0],
                    s.getConvolutionMode());
        }
        if (l instanceof Cropping1D c) {
            return length - c.getCropping()[0] - c.getCropping()[1];
        }
        if (l instanceof ZeroPadding1DLayer p) {
            return length + p.getPadding()[0] + p.getPadding()[1];
        }
        if (l instanceof Upsampling1D u) {
            return length * u.getSize()[0];
        }
        return length;
    }

    /** Keras' output length: {@code ceil(n / stride)} for "same"/"causal", else floor division of what fits. */
    static long convolved(long length, int kernel, int stride, int dilation, int padding, ConvolutionMode mode) {
        if (mode == ConvolutionMode.Same || mode == ConvolutionMode.Causal) {
            return (length + stride - 1) / stride;
        }
        long reach = (long) (kernel - 1) * dilation + 1;
        return Math.floorDiv(length + 2L * padding - reach, stride) + 1;
    }

    private static String describe(Layer l) {
        String type = l.getClass().getSimpleName();
        if (l instanceof Convolution1DLayer c) {
            return String.format("%s: kernel %d, stride %d, dilation %d, padding %s", type, c.getKernelSize()[0],
                    c.getStride()[0], c.getDilation()[0], padding(c.getConvolutionMode(), c.getPadding()[0]));
        }
        if (l instanceof Subsampling1DLayer s) {
            return String.format("%s: pool size %d, stride %d, padding %s", type, s.getKernelSize()[0],
                    s.getStride()[0], padding(s.getConvolutionMode(), s.getPadding()[0]));
        }
        return type;
    }

    private static String padding(ConvolutionMode mode, int padding) {
        if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
            return padding == 0 ? "valid" : "valid + " + padding;
        }
        return mode.name().toLowerCase();
    }

    private static InputType dl4jType(java.util.function.Supplier<InputType> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return null; // DL4J cannot tell this layer's output type: leave the rest to DL4J's own checks
        }
    }
}
