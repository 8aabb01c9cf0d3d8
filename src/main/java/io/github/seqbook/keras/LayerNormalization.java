package io.github.seqbook.keras;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keras' {@code LayerNormalization()} (last axis, epsilon 1e-3): each example's (each step's) features are normalised
 * to mean 0 and variance 1, {@code gamma * (x - mean) / sqrt(var + eps) + beta}; {@code 2 * features} parameters
 * (gamma starts at 1, beta at 0). DL4J 1.0.0-M2.1 has no such layer; this one is a SameDiff layer
 * ({@link Impl}), whose gradients SameDiff derives (SameDiff's console lines about it are filtered out).
 */
public final class LayerNormalization extends Layer {
    /** Keras' default epsilon. */
    public static final double KERAS_EPSILON = 1e-3;

    LayerNormalization() {
    }

    @Override
    public String kerasClass() {
        return "LayerNormalization";
    }

    @Override
    String nameStem() {
        return "layer_normalization";
    }

    @Override
    Shape outputShape(Shape input) {
        return input;
    }

    @Override
    Built build(Shape input) {
        return Built.of(new Impl(input.features(), KERAS_EPSILON));
    }

    @Override
    public String toString() {
        return "LayerNormalization()";
    }

    /**
     * The DL4J layer: normalises axis 1 (features) of {@code [batch, features]} or NCW {@code [batch, features,
     * steps]}. Parameters {@code gamma} and {@code beta}, {@code [1, features]}.
     */
    public static final class Impl extends SameDiffLayer {
        private static final long serialVersionUID = 1L;
        private long features;
        private double epsilon;

        /** For JSON deserialization. */
        private Impl() {
        }

        /**
         * @param features values normalised together
         * @param epsilon  added to the variance
         */
        public Impl(@JsonProperty("features") long features, @JsonProperty("epsilon") double epsilon) {
            this.features = features;
            this.epsilon = epsilon;
        }

        /** Values normalised together. */
        public long getFeatures() {
            return features;
        }

        /** The epsilon added to the variance. */
        public double getEpsilon() {
            return epsilon;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> params, SDVariable mask) {
            SDVariable mean = x.mean(true, 1);
            SDVariable centered = x.sub(mean);
            SDVariable variance = centered.mul(centered).mean(true, 1);
            SDVariable normalised = centered.mul(sd.math().rsqrt(variance.add(epsilon)));
            SDVariable gamma = params.get("gamma");
            SDVariable beta = params.get("beta");
            if (x.getShape() == null || x.getShape().length == 3) {
                gamma = gamma.reshape(1, features, 1);
                beta = beta.reshape(1, features, 1);
            }
            return normalised.mul(gamma).add(beta);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("gamma", 1, features);
            params.addBiasParam("beta", 1, features);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("gamma").assign(1.0);
            params.get("beta").assign(0.0);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }

        @Override
        public void setNIn(InputType inputType, boolean override) {
            long size = inputType instanceof InputType.InputTypeRecurrent r ? r.getSize()
                    : ((InputType.InputTypeFeedForward) inputType).getSize();
            if (features == 0 || override) {
                features = size;
            }
        }

        @Override
        public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
            return null;
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                           Collection<TrainingListener> listeners, int layerIndex,
                                                           INDArray paramsView, boolean initializeParams,
                                                           DataType dataType) {
            // As SameDiffLayer.instantiate, with the quiet implementation below.
            Quiet layer = new Quiet(conf, dataType);
            layer.setIndex(layerIndex);
            layer.setParamsViewArray(paramsView);
            layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
            layer.setConf(conf);
            return layer;
        }
    }

    /**
     * DL4J's SameDiff layer implementation, except that SameDiff's "Added differentiated op ..." lines, which it
     * prints to {@code System.out} while deriving the gradient on the first backward pass, do not reach the notebook.
     */
    static final class Quiet extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
        private static final String NOISE = "Added differentiated op";
        private boolean derived;

        Quiet(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            if (derived) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            PrintStream out = System.out;
            System.setOut(new PrintStream(new LineFilter(out), true));
            try {
                return super.backpropGradient(epsilon, workspaceMgr);
            } finally {
                System.setOut(out);
                derived = true;
            }
        }
    }

    /** Passes lines through to {@code target} except SameDiff's {@value Quiet#NOISE} lines. */
    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
            line.reset();
            if (!text.startsWith(Quiet.NOISE)) {
                target.print(text);
                target.flush();
            }
        }
    }
}
