package io.github.seqbook.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.seqbook.Require;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Keras' {@code Sequential([...])}: an input and a list of layers, each reading the previous one's output; built as a
 * DL4J {@link MultiLayerNetwork} (float32, NCW inside) by {@link #compile}. Made by {@link Keras#sequential}.
 *
 * <p>The last layer holds the loss: a last {@link Dense} (or {@code TimeDistributed(Dense)}) becomes DL4J's output
 * layer; after any other last layer (a recurrent layer, a convolution) a parameterless loss layer is added, as
 * Keras applies the loss to the last layer's output.
 */
public final class Sequential extends KerasModel {
    private final Shape input;
    private final List<Layer> layers;
    private final List<String> names = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    /** For each Keras layer, the DL4J layer indices [first, first + count) of the last build. */
    private int[] first;
    private int[] count;

    Sequential(Tensor input, List<Layer> layers) {
        super("sequential");
        Require.notNull("input", input);
        if (!input.isInput()) {
            throw new IllegalArgumentException("sequential(...) starts with input(steps, features), got " + input);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("sequential(...) needs at least one layer after the input");
        }
        this.input = input.shape();
        this.layers = List.copyOf(layers);
        Names namer = new Names();
        Shape shape = this.input;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = Require.notNull("layers[" + i + "]", layers.get(i));
            try {
                shape = layer.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + layer.kerasClass() + "): " + e.getMessage(), e);
            }
            names.add(namer.next(layer));
            shapes.add(shape);
        }
    }

    /** The layers, in order. */
    public List<Layer> layers() {
        return layers;
    }

    /** The input shape (one example). */
    public Shape inputShape() {
        return input;
    }

    /** The output shape (one example). */
    public Shape outputShape() {
        return shapes.get(shapes.size() - 1);
    }

    @Override
    public Sequential seed(long seed) {
        super.seed(seed);
        return this;
    }

    @Override
    public Sequential compile(Optimizer optimizer, Loss loss, io.github.seqbook.training.Metric... metrics) {
        super.compile(optimizer, loss, metrics);
        return this;
    }

    @Override
    public MultiLayerNetwork network() {
        return (MultiLayerNetwork) super.network();
    }

    @Override
    MultiLayerNetwork build(Optimizer optimizer, Loss loss) {
        List<org.deeplearning4j.nn.conf.layers.Layer> all = new ArrayList<>();
        Map<Integer, InputPreProcessor> preProcessors = new LinkedHashMap<>();
        InputPreProcessor pending = null;
        int[] firsts = new int[layers.size()];
        int[] counts = new int[layers.size()];
        Shape in = input;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Layer.Built built = i == layers.size() - 1 ? layer.buildOutput(in, loss) : layer.build(in);
            if (built.vertex() != null) {
                throw new IllegalArgumentException(layer.kerasClass() + " works only in a functional model "
                        + "(Keras.model(input, output)), not in sequential(...)");
            }
            firsts[i] = all.size();
            counts[i] = built.layers().size();
            if (built.layers().isEmpty()) {
                pending = built.preProcessor() != null ? built.preProcessor() : pending;
            } else {
                InputPreProcessor p = built.preProcessor() != null ? built.preProcessor() : pending;
                if (p != null) {
                    preProcessors.put(all.size(), p);
                }
                pending = null;
                all.addAll(built.layers());
            }
            in = shapes.get(i);
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed())
                .dataType(DataType.FLOAT)
                .updater(optimizer.updater())
                .list(all.toArray(new org.deeplearning4j.nn.conf.layers.Layer[0]));
        preProcessors.forEach(list::inputPreProcessor);
        if (layers.stream().anyMatch(l -> l instanceof Embedding)) {
            // Otherwise DL4J sets the embedding's nIn (its vocabulary size) to the input's 1 feature; every other
            // layer has no nIn yet and gets it from the input type either way.
            list.overrideNinUponBuild(false);
        }
        list.setInputType(InputType.recurrent(input.features(), input.steps(), RNNFormat.NCW));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        first = firsts;
        count = counts;
        return net;
    }

    @Override
    List<Row> rows(Model model) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            long params = 0;
            long fixed = 0;
            for (int j = first[i]; j < first[i] + count[i]; j++) {
                params += net.getLayer(j).numParams();
                fixed += nonTrainable(net.getLayer(j));
            }
            rows.add(new Row(names.get(i), layers.get(i).kerasClass(), shapes.get(i), params, fixed, List.of()));
        }
        return rows;
    }

    /** Parameters a layer does not train: batch normalization's moving mean and variance. */
    static long nonTrainable(org.deeplearning4j.nn.api.Layer layer) {
        long n = 0;
        for (var e : layer.paramTable().entrySet()) {
            String key = e.getKey();
            if (key.equals("mean") || key.equals("var") || key.equals("log10stdev")) {
                n += e.getValue().length();
            }
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("sequential(input").append(input).append(", ");
        for (int i = 0; i < layers.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(layers.get(i));
        }
        return sb.append(")").append(isCompiled() ? " " + super.toString().substring(name().length()).trim() : "")
                .toString();
    }
}
