package io.github.seqbook.layers.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.KerasLstm;
import io.github.seqbook.layers.KerasSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.OrthogonalInit;
import io.github.seqbook.layers.RecurrentLoop;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration shared by the recurrent layers of {@code io.github.seqbook.layers} ({@link KerasSimpleRnn},
 * {@link KerasLstm}, {@link Gru}, {@link LayerNormSimpleRnn}, {@link RecurrentLoop}): a DL4J recurrent layer whose
 * parameters are listed as {@link ParamSpec}s (Keras' shapes and initialisation) and whose implementation keeps its
 * work arrays time-major (see {@link TimeMajorRnnImpl}).
 * Like DL4J's own layers they read and write {@code [batch, features, steps]} (NCW, the default) or
 * {@code [batch, steps, features]} (NWC) and return the whole sequence. Masks are not supported.
 */
public abstract class CustomRecurrentLayer extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    protected CustomRecurrentLayer() {
    }

    /** From a builder (the layer's sizes, initialisation and format). */
    protected CustomRecurrentLayer(Builder<?> builder) {
        super(builder);
    }

    /** The layer's parameter arrays for its current {@code nIn} and {@code nOut}, in packing order. */
    public abstract List<ParamSpec> paramSpecs();

    /** The implementation object for a network (one {@code ...Impl} class of this package per layer). */
    protected abstract TimeMajorRnnImpl<?> createImpl(NeuralNetConfiguration conf, DataType dataType);

    /**
     * How the random draws of a kernel's initializer fill parameter {@code spec}: {@code 'c'}, row by row (the
     * default), or {@code 'f'}, column by column. A layer standing in for one of DL4J's own ({@code 'f'}-order)
     * layers returns {@code 'f'} so that the same seed gives it the same starting weights.
     */
    protected char drawOrder(ParamSpec spec) {
        return 'c';
    }

    /**
     * Adjusts freshly initialised parameters ({@code params}: c-order views by key), e.g. a bias that is not
     * uniform; called after every spec is initialised, never for loaded parameters. Does nothing by default.
     */
    protected void finishInitialisation(Map<String, INDArray> params) {
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        if (!(getActivationFn() instanceof ActivationTanH)) {
            // The implementations hard-code tanh (Keras' default); refuse anything else instead of ignoring it.
            throw new IllegalStateException(getClass().getSimpleName() + " supports only the tanh activation, got "
                    + getActivationFn());
        }
        TimeMajorRnnImpl<?> layer = createImpl(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return SpecParamInitializer.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, getOutputType(-1, inputType))
                .standardMemory(params, 2 * params)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    /**
     * Builder defaults of these layers: Keras' initialisation (Glorot-uniform kernels, orthogonal
     * recurrent kernels, zero biases), tanh, NCW.
     *
     * @param <T> the concrete builder
     */
    public abstract static class Builder<T extends Builder<T>> extends BaseRecurrentLayer.Builder<T> {
        /** A builder with Keras' defaults. */
        protected Builder() {
            weightInit(WeightInit.XAVIER_UNIFORM);
            weightInitRecurrent(new OrthogonalInit());
            activation(Activation.TANH);
            dataFormat(RNNFormat.NCW);
        }
    }
}
