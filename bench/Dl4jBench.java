import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.models.Models;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Metric;
import io.github.seqbook.training.Metrics;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DL4J side of the benchmark (run with the jar on the class path, as a single-file program):
 *
 *   java -cp target/seqbook.jar bench/Dl4jBench.java export DIR       writes the book's datasets as raw float32
 *   java -cp target/seqbook.jar bench/Dl4jBench.java list             prints the model names
 *   java -cp target/seqbook.jar bench/Dl4jBench.java train MODEL EPOCHS
 *
 * "train" prints one JSON line: model, per-epoch seconds, median s/epoch after the first epoch, final val MSE.
 */
public class Dl4jBench {
    /** A benchmarked model: its dataset kind, builder and the metric the book reports. */
    record Spec(String data, Supplier<Model> build, Metric metric) {
    }

    static Map<String, Spec> specs() {
        Map<String, Spec> m = new LinkedHashMap<>();
        m.put("linear", new Spec("next1", () -> Models.linear(50, 1), null));
        m.put("simple_rnn", new Spec("next1", () -> Models.simpleRnn(50), null));
        m.put("deep_rnn", new Spec("next1", () -> Models.deepSimpleRnn(50), null));
        m.put("deep_rnn_dense", new Spec("next1", () -> Models.deepRnnDenseOutput(50, 1), null));
        m.put("linear_10", new Spec("next10", () -> Models.linear(50, 10), null));
        m.put("deep_rnn_dense_10", new Spec("next10", () -> Models.deepRnnDenseOutput(50, 10), null));
        m.put("seq2seq_rnn", new Spec("seq2seq", () -> Models.sequenceToSequenceRnn(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("batchnorm_rnn", new Spec("seq2seq", () -> Models.deepRnnWithBatchNorm(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("layernorm_rnn", new Spec("seq2seq", () -> Models.layerNormRnn(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("lstm", new Spec("seq2seq", () -> Models.lstm(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("gru", new Spec("seq2seq", () -> Models.gru(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("conv1d_gru", new Spec("seq2seq_conv", () -> Models.conv1dGru(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("wavenet", new Spec("seq2seq", () -> Models.wavenet(50, 10), Metrics.LAST_TIME_STEP_MSE));
        return m;
    }

    static SeriesData dataset(String kind) {
        return switch (kind) {
            case "next1" -> SeriesData.nextValue(50);
            case "next10" -> SeriesData.nextValues(50, 10);
            case "seq2seq" -> SeriesData.sequenceToSequence(50, 10);
            case "seq2seq_conv" -> SeriesData.sequenceToSequence(50, 10).downsampleTargets(3, 2);
            default -> throw new IllegalArgumentException("unknown dataset " + kind);
        };
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        if ((command.equals("export") || command.equals("train")) && io.github.seqbook.RunMode.isQuick()) {
            throw new IllegalStateException("unset SEQBOOK_QUICK: the benchmark always uses the book's full data");
        }
        switch (args.length == 0 ? "" : args[0]) {
            case "export" -> export(Path.of(args[1]));
            case "list" -> specs().keySet().forEach(System.out::println);
            case "backend" -> System.out.println(io.github.seqbook.notebook.Chapter.backend());
            case "train" -> train(args[1], Integer.parseInt(args[2]));
            case "chart" -> chart(Path.of(args[1]), Path.of(args[2]));
            default -> throw new IllegalArgumentException("usage: export DIR | list | train MODEL EPOCHS");
        }
    }

    static void export(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String kind : List.of("next1", "next10", "seq2seq", "seq2seq_conv")) {
            SeriesData d = dataset(kind);
            for (Split s : List.of(d.train(), d.valid())) {
                write(dir.resolve(kind + "_" + s.name() + "_x.f32"), s.x());
                write(dir.resolve(kind + "_" + s.name() + "_y.f32"), s.y());
                Files.writeString(dir.resolve(kind + "_" + s.name() + "_shapes.txt"),
                        Arrays.toString(s.x().shape()) + "\n" + Arrays.toString(s.y().shape()) + "\n");
            }
        }
        System.out.println("exported datasets to " + dir);
    }

    /** Raw little-endian float32 in C order, readable with numpy.fromfile(..., dtype="<f4"). */
    static void write(Path file, INDArray a) throws IOException {
        float[] v = a.dup('c').data().asFloat();
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        Files.write(file, buf.array());
    }

    /** A bar chart of seconds per epoch, DL4J next to PyTorch, from run_bench.py's CSV. */
    static void chart(Path csv, Path png) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int model = header.indexOf("model");
        int dl4j = header.indexOf("dl4j_s_per_epoch");
        int torch = header.indexOf("pytorch_s_per_epoch");
        List<String> names = new java.util.ArrayList<>();
        List<Double> a = new java.util.ArrayList<>();
        List<Double> b = new java.util.ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            names.add(f[model]);
            a.add(Double.parseDouble(f[dl4j]));
            b.add(Double.parseDouble(f[torch]));
        }
        var chart = new org.knowm.xchart.CategoryChartBuilder().width(900).height(420)
                .title("Seconds per epoch (7000 series x 50 steps, batch 32, 2 threads)")
                .xAxisTitle("model").yAxisTitle("s/epoch").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.addSeries("DL4J (seqbook)", names, a);
        chart.addSeries("PyTorch", names, b);
        org.knowm.xchart.BitmapEncoder.saveBitmap(chart, png.toString(), org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
    }

    static void train(String name, int epochs) {
        Spec spec = specs().get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown model " + name + "; models: " + specs().keySet());
        }
        SeriesData d = dataset(spec.data());
        Model model = spec.build().get();
        History h = spec.metric() == null
                ? Training.fit(model, d.train(), d.valid(), epochs, new FitOptions().out(System.err))
                : Training.fit(model, d.train(), d.valid(), epochs, new FitOptions().out(System.err), spec.metric());
        String metric = spec.metric() == null ? "val_loss" : "val_" + spec.metric().name();
        double[] seconds = h.table().doubleColumn("seconds").asDoubleArray();
        System.out.printf(java.util.Locale.ROOT,
                "{\"side\": \"dl4j\", \"model\": \"%s\", \"params\": %d, \"seconds\": %s, \"s_per_epoch\": %.4f, \"metric\": \"%s\", \"value\": %.6g}%n",
                name, h.params(), Arrays.toString(seconds), h.secondsPerEpoch(), metric, h.last(metric));
    }
}
