package io.github.seqbook.keras;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.seqbook.Require;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Keras' functional model, {@code keras.Model(inputs, outputs)}: the graph of layers called on {@link Tensor}s between
 * one input and one output, so that a layer can read several tensors ({@link Keras#add} for residual and skip
 * connections). Built as a DL4J {@link ComputationGraph} (float32, NCW inside) by {@link #compile}; the layers are
 * added in the order they were called, each vertex named as its Keras layer. Made by {@link Keras#model}.
 */
public final class Functional extends KerasModel {
    private final Tensor input;
    private final Tensor output;
    /** The tensors computed by layers, in creation (topological) order. */
    private final List<Tensor> nodes;
    private final Map<Tensor, String> names = new HashMap<>();
    private final String inputName;
    /** For each node, the DL4J vertices of the last build. */
    private Map<Tensor, List<String>> vertices = Map.of();

    Functional(Tensor input, Tensor output) {
        super("model");
        Require.notNull("input", input);
        Require.notNull("output", output);
        if (!input.isInput()) {
            throw new IllegalArgumentException("model(input, output) needs input(...) as its input, got " + input);
        }
        if (output.isInput()) {
            throw new IllegalArgumentException("model(input, output): output must come from a layer, got the input");
        }
        this.input = input;
        this.output = output;
        Set<Tensor> seen = new HashSet<>();
        Deque<Tensor> todo = new ArrayDeque<>(List.of(output));
        List<Tensor> found = new ArrayList<>();
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (t.isInput()) {
                if (t != input) {
                    throw new IllegalArgumentException("the output depends on another input than the model's: " + t);
                }
                continue;
            }
            found.add(t);
            todo.addAll(t.inputs());
        }
        if (!seen.contains(input)) {
            throw new IllegalArgumentException("the output does not depend on the model's input");
        }
        found.sort(Comparator.comparingLong(Tensor::id));
        this.nodes = List.copyOf(found);
        Names namer = new Names();
        inputName = namer.reserve("input_1");
        for (Tensor t : nodes) {
            names.put(t, namer.next(t.layer()));
        }
    }

    @Override
    public Functional seed(long seed) {
        super.seed(seed);
        return this;
    }

    @Override
    public Functional compile(Optimizer optimizer, Loss loss, io.github.seqbook.training.Metric... metrics) {
        super.compile(optimizer, loss, metrics);
        return this;
    }

    @Override
    public ComputationGraph network() {
        return (ComputationGraph) super.network();
    }

    /** The output shape (one example). */
    public Shape outputShape() {
        return output.shape();
    }

    @Override
    ComputationGraph build(Optimizer optimizer, Loss loss) {
        Shape in = input.shape();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed())
                .dataType(DataType.FLOAT)
                .updater(optimizer.updater())
                .graphBuilder()
                .addInputs(inputName)
                .setInputTypes(InputType.recurrent(in.features(), in.steps(), RNNFormat.NCW));
        Map<Tensor, String> valueOf = new HashMap<>();
        valueOf.put(input, inputName);
        Map<Tensor, List<String>> built = new HashMap<>();
        for (Tensor t : nodes) {
            String name = names.get(t);
            String[] from = t.inputs().stream().map(valueOf::get).toArray(String[]::new);
            Shape inShape = t.inputs().get(0).shape();
            Layer layer = t.layer();
            Layer.Built b = t == output ? layer.buildOutput(inShape, loss) : layer.build(inShape);
            List<String> made = new ArrayList<>();
            if (b.vertex() != null) {
                g.addVertex(name, b.vertex(), from);
                made.add(name);
            } else if (b.layers().isEmpty()) {
                g.addVertex(name, new PreprocessorVertex(b.preProcessor()), from);
                made.add(name);
            } else {
                for (int k = 0; k < b.layers().size(); k++) {
                    String vertex = k == 0 ? name : name + "_" + (k == b.layers().size() - 1 && t == output ? "loss" : k);
                    if (k == 0 && b.preProcessor() != null) {
                        g.addLayer(vertex, b.layers().get(k), b.preProcessor(), from);
                    } else {
                        g.addLayer(vertex, b.layers().get(k), k == 0 ? from : new String[] {made.get(k - 1)});
                    }
                    made.add(vertex);
                }
            }
            built.put(t, made);
            valueOf.put(t, made.get(made.size() - 1));
        }
        g.setOutputs(valueOf.get(output));
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        vertices = built;
        return graph;
    }

    @Override
    List<Row> rows(Model model) {
        ComputationGraph graph = (ComputationGraph) model;
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(inputName, "InputLayer", input.shape(), 0, 0, List.of()));
        for (Tensor t : nodes) {
            long params = 0;
            long fixed = 0;
            for (String v : vertices.get(t)) {
                var layer = graph.getLayer(v);
                if (layer != null) {
                    params += layer.numParams();
                    fixed += Sequential.nonTrainable(layer);
                }
            }
            List<String> from = t.inputs().stream().map(i -> (i.isInput() ? inputName : names.get(i)) + "[0][0]")
                    .toList();
            rows.add(new Row(names.get(t), t.layer().kerasClass(), t.shape(), params, fixed, from));
        }
        return rows;
    }
}
