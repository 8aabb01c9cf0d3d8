package io.github.seqbook.layers.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's parameter initializer for {@link CustomRecurrentLayer}s, driven by the layer's {@link ParamSpec} list:
 * it cuts the layer's slice of the network's flat parameter (or gradient) vector into c-order views of the
 * listed shapes and initialises them the Keras way.
 */
final class SpecParamInitializer implements ParamInitializer {
    static final SpecParamInitializer INSTANCE = new SpecParamInitializer();

    private SpecParamInitializer() {
    }

    private static List<ParamSpec> specs(Layer layer) {
        if (!(layer instanceof CustomRecurrentLayer custom)) {
            throw new IllegalArgumentException("SpecParamInitializer only serves CustomRecurrentLayer, got " + layer);
        }
        return custom.paramSpecs();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return specs(layer).stream().mapToLong(ParamSpec::length).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return specs(layer).stream().map(ParamSpec::key).toList();
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return specs(layer).stream().filter(ParamSpec::isWeight).map(ParamSpec::key).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return specs(layer).stream().filter(s -> s.kind() == ParamSpec.Kind.BIAS).map(ParamSpec::key).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        CustomRecurrentLayer layer = (CustomRecurrentLayer) conf.getLayer();
        Map<String, INDArray> views = views(layer, paramsView);
        for (ParamSpec spec : layer.paramSpecs()) {
            conf.addVariable(spec.key());
            if (initializeParams) {
                initialise(layer, spec, views.get(spec.key()));
            }
        }
        if (initializeParams) {
            layer.finishInitialisation(views);
        }
        return Collections.synchronizedMap(views);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((CustomRecurrentLayer) conf.getLayer(), gradientView);
    }

    /** Consecutive c-order views of {@code flat}, one per spec, in the spec order. */
    private static Map<String, INDArray> views(CustomRecurrentLayer layer, INDArray flat) {
        List<ParamSpec> specs = layer.paramSpecs();
        long total = specs.stream().mapToLong(ParamSpec::length).sum();
        if (flat.length() != total) {
            throw new IllegalStateException("Expected a parameter view of length " + total + " for " + specs
                    + ", got " + flat.length());
        }
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        long offset = 0;
        for (ParamSpec spec : specs) {
            INDArray segment = vector.get(NDArrayIndex.interval(offset, offset + spec.length()));
            out.put(spec.key(), segment.reshape('c', spec.shape()));
            offset += spec.length();
        }
        return out;
    }

    private static void initialise(CustomRecurrentLayer layer, ParamSpec spec, INDArray view) {
        long[] shape = spec.shape();
        switch (spec.kind()) {
            case KERNEL -> draw(kernelInit(layer.getWeightInitFn(), spec), spec, layer.drawOrder(spec), view);
            case RECURRENT_KERNEL -> {
                IWeightInit init = layer.getWeightInitFnRecurrent() != null ? layer.getWeightInitFnRecurrent()
                        : layer.getWeightInitFn();
                draw(kernelInit(init, spec), spec, layer.drawOrder(spec), view);
            }
            case BIAS -> view.assign(layer.getBiasInit());
            case GAIN -> view.assign(1.0);
        }
    }

    /**
     * Fills the c-order {@code view} from {@code init}, whose draws (DL4J's built-in initialisers fill their array's
     * buffer in sequence) land row by row for {@code order = 'c'} and column by column for {@code 'f'}, as in
     * DL4J's own {@code 'f'}-order layers.
     */
    private static void draw(IWeightInit init, ParamSpec spec, char order, INDArray view) {
        long[] shape = spec.shape();
        if (order == 'c') {
            init.init(fanIn(shape), fanOut(shape), shape, 'c', view);
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray flat = Nd4j.create(view.dataType(), spec.length());
            view.assign(init.init(fanIn(shape), fanOut(shape), shape, order, flat));
        }
    }

    private static IWeightInit kernelInit(IWeightInit init, ParamSpec spec) {
        if (init == null) {
            throw new IllegalStateException("No weight initialisation configured for " + spec);
        }
        return init;
    }

    // Keras' fans for a 2-D kernel [inputs, outputs]; a vector counts as [1, n].
    private static double fanIn(long[] shape) {
        return shape.length == 1 ? 1 : shape[0];
    }

    private static double fanOut(long[] shape) {
        return shape[shape.length - 1];
    }
}
