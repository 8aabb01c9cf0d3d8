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

import static io.github.seqbook.keras.Keras.ANY_LENGTH;
import static io.github.seqbook.keras.Keras.adam;
import static io.github.seqbook.keras.Keras.dense;
import static io.github.seqbook.keras.Keras.flatten;
import static io.github.seqbook.keras.Keras.huber;
import static io.github.seqbook.keras.Keras.input;
import static io.github.seqbook.keras.Keras.lastTimeStepMse;
import static io.github.seqbook.keras.Keras.mae;
import static io.github.seqbook.keras.Keras.mse;
import static io.github.seqbook.keras.Keras.sequential;
import static io.github.seqbook.keras.Keras.sgd;
import static io.github.seqbook.keras.Keras.simpleRnn;
import static io.github.seqbook.keras.Keras.timeDistributed;

import io.github.seqbook.data.Chorales;
import io.github.seqbook.data.Ridership;
import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.data.Windows;
import io.github.seqbook.keras.KerasModel;
import io.github.seqbook.models.Bach;
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
 *   java -cp target/seqbook.jar bench/Dl4jBench.java export DIR [MODEL...]  writes the datasets (of MODELs, or all)
 *                                                                      as raw float32
 *   java -cp target/seqbook.jar bench/Dl4jBench.java list             prints the model names
 *   java -cp target/seqbook.jar bench/Dl4jBench.java train MODEL EPOCHS [--batches N]
 *
 * "train" prints one JSON line: model, per-epoch seconds, median s/epoch after the first epoch, the final
 * validation metric. {@code --batches N} trains each epoch on the first N batches of 32 training windows only and
 * validates on the first N x 32 validation windows: a quick check that a model runs (the Bach model takes minutes per
 * full epoch); its seconds are not seconds per epoch, so the README's table always comes from full epochs.
 *
 * <p>The ridership (notebook 05) and chorale (notebook 06) data come through
 * {@link io.github.seqbook.data.DataFiles#fromEnvironment()}: the download cache, or offline the folder that
 * SEQBOOK_DATA_MIRROR names.
 */
public class Dl4jBench {
    /** Training batch size on both sides (Keras' default, the book's). */
    static final int BATCH = 32;

    /** Trains a fresh model: the history of {@code epochs} epochs on {@code train}, validated on {@code valid}. */
    interface Trainer {
        History fit(Split train, Split valid, int epochs, FitOptions options);
    }

    /**
     * A benchmarked model: its dataset kind, how it trains and the validation metric it reports (a column of its
     * History, e.g. val_loss).
     */
    record Spec(String data, String metric, Trainer trainer) {
    }

    /** A model of notebooks 01-04 built by {@link Models} (the loss and optimizer are compiled in), plus a metric. */
    static Spec built(String data, Supplier<Model> build, Metric metric) {
        return new Spec(data, metric == null ? "val_loss" : "val_" + metric.name(), (train, valid, epochs, options) ->
                metric == null ? Training.fit(build.get(), train, valid, epochs, options)
                        : Training.fit(build.get(), train, valid, epochs, options, metric));
    }

    /** A model of the Keras-shaped API, compiled by {@code build}, trained by its own fit. */
    static Spec keras(String data, String metric, Supplier<KerasModel> build) {
        return new Spec(data, metric, (train, valid, epochs, options) -> build.get().fit(train, valid, epochs, options));
    }

    /** Notebook 05's window length (days) for the rail series. */
    static final int RAIL_STEPS = 56;

    static Map<String, Spec> specs() {
        Map<String, Spec> m = new LinkedHashMap<>();
        m.put("linear", built("next1", () -> Models.linear(50, 1), null));
        m.put("simple_rnn", built("next1", () -> Models.simpleRnn(50), null));
        m.put("deep_rnn", built("next1", () -> Models.deepSimpleRnn(50), null));
        m.put("deep_rnn_dense", built("next1", () -> Models.deepRnnDenseOutput(50, 1), null));
        m.put("linear_10", built("next10", () -> Models.linear(50, 10), null));
        m.put("deep_rnn_dense_10", built("next10", () -> Models.deepRnnDenseOutput(50, 10), null));
        m.put("seq2seq_rnn", built("seq2seq", () -> Models.sequenceToSequenceRnn(50, 10), Metrics.LAST_TIME_STEP_MSE));
        // notebook 02's MC Dropout model: Keras' dropout and recurrent_dropout 0.2 (per-sample masks), Adam 0.01, MSE
        m.put("dropout_rnn", keras("seq2seq", "val_last_time_step_mse", () -> sequential(input(ANY_LENGTH, 1),
                simpleRnn(20).returnSequences(true).dropout(0.2).recurrentDropout(0.2),
                simpleRnn(20).returnSequences(true).dropout(0.2).recurrentDropout(0.2),
                timeDistributed(dense(10))).compile(adam(0.01), mse(), lastTimeStepMse())));
        m.put("batchnorm_rnn", built("seq2seq", () -> Models.deepRnnWithBatchNorm(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("layernorm_rnn", built("seq2seq", () -> Models.layerNormRnn(50, 10), Metrics.LAST_TIME_STEP_MSE));
        // notebook 03's MyRNN: the same layer-norm cell run by the explicit loop over time steps (RecurrentLoop)
        m.put("custom_rnn", built("seq2seq", () -> Models.customRnn(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("lstm", built("seq2seq", () -> Models.lstm(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("gru", built("seq2seq", () -> Models.gru(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("conv1d_gru", built("seq2seq_conv", () -> Models.conv1dGru(50, 10), Metrics.LAST_TIME_STEP_MSE));
        m.put("wavenet", built("seq2seq", () -> Models.wavenet(50, 10), Metrics.LAST_TIME_STEP_MSE));
        // notebook 04's original WaveNet (gated units, skip connections), softmax output as the book, and linear
        m.put("original_wavenet", built("seq2seq", () -> Models.originalWavenet(50, 10, false),
                Metrics.LAST_TIME_STEP_MSE));
        m.put("original_wavenet_linear", built("seq2seq", () -> Models.originalWavenet(50, 10, true),
                Metrics.LAST_TIME_STEP_MSE));
        // notebook 05: 56-day rail windows (millions of riders), Huber loss, SGD momentum 0.9 at the book's rates
        m.put("ridership_linear", keras("rail", "val_mae", () -> sequential(input(RAIL_STEPS, 1), flatten(), dense(1))
                .compile(sgd(0.02, 0.9), huber(), mae())));
        m.put("ridership_rnn", keras("rail", "val_mae", () -> sequential(input(ANY_LENGTH, 1), simpleRnn(32),
                dense(1)).compile(sgd(0.05, 0.9), huber(), mae())));
        m.put("ridership_deep_rnn", keras("rail", "val_mae", () -> sequential(input(ANY_LENGTH, 1),
                simpleRnn(32).returnSequences(), simpleRnn(32).returnSequences(), simpleRnn(32), dense(1))
                .compile(sgd(0.01, 0.9), huber(), mae())));
        // notebook 05's multivariate models: 56-day windows of bus, rail and tomorrow's day type (5 inputs)
        m.put("ridership_mulvar", keras("rail_mulvar", "val_mae", () -> sequential(input(ANY_LENGTH, 5),
                simpleRnn(32), dense(1)).compile(sgd(0.05, 0.9), huber(), mae())));
        m.put("ridership_multitask", keras("rail_multitask", "val_mae", () -> sequential(input(ANY_LENGTH, 5),
                simpleRnn(32), dense(2)).compile(sgd(0.02, 0.9), huber(), mae())));
        m.put("ridership_ahead", keras("rail_ahead", "val_mae", () -> sequential(input(ANY_LENGTH, 5),
                simpleRnn(32), dense(14)).compile(sgd(0.02, 0.9), huber(), mae())));
        m.put("ridership_seq2seq", keras("rail_seq2seq", "val_mae", () -> sequential(input(ANY_LENGTH, 5),
                simpleRnn(32).returnSequences(), dense(14)).compile(sgd(0.1, 0.9), huber(), mae())));
        // notebook 06, exercise 10: 131-token chorale windows, sparse categorical cross-entropy, Nadam 1e-3
        m.put("bach", keras("chorales", "val_accuracy", Bach::compiledModel));
        return m;
    }

    /** The training and validation splits of a dataset kind. */
    static Split[] dataset(String kind) {
        return switch (kind) {
            case "next1" -> splits(SeriesData.nextValue(50));
            case "next10" -> splits(SeriesData.nextValues(50, 10));
            case "seq2seq" -> splits(SeriesData.sequenceToSequence(50, 10));
            case "seq2seq_conv" -> splits(SeriesData.sequenceToSequence(50, 10).downsampleTargets(3, 2));
            case "rail" -> {
                tech.tablesaw.api.Table df = Ridership.load();
                yield new Split[] {Ridership.railWindows(df, "train", "2016-01", "2018-12", RAIL_STEPS),
                    Ridership.railWindows(df, "valid", "2019-01", "2019-05", RAIL_STEPS)};
            }
            // notebook 05's windows of the multivariate series: rail next day; bus and rail next day; rail's next
            // 14 days; rail's next 14 days at every step (sequence to sequence)
            case "rail_mulvar" -> mulvarWindows(w -> w.targets(1).nextValues("train"),
                    w -> w.targets(1).nextValues("valid"));
            case "rail_multitask" -> mulvarWindows(w -> w.targets(0, 1).nextValues("train"),
                    w -> w.targets(0, 1).nextValues("valid"));
            case "rail_ahead" -> mulvarWindows(w -> w.ahead(14).targets(1).nextValues("train"),
                    w -> w.ahead(14).targets(1).nextValues("valid"));
            case "rail_seq2seq" -> mulvarWindows(w -> w.ahead(14).targets(1).sequenceToSequence("train"),
                    w -> w.ahead(14).targets(1).sequenceToSequence("valid"));
            case "chorales" -> {
                Chorales.Splits c = Chorales.load().prepare(Models.BOOK_SEED);
                yield new Split[] {c.train(), c.valid()};
            }
            default -> throw new IllegalArgumentException("unknown dataset " + kind);
        };
    }

    /**
     * Notebook 05's multivariate windows ({@link Ridership#multivariate}: bus, rail, tomorrow's day type one-hot),
     * {@value #RAIL_STEPS} days long, training 2016-01..2018-12 and validation 2019-01..2019-05, cut into splits by
     * {@code train} and {@code valid} as the notebook cuts them.
     */
    static Split[] mulvarWindows(java.util.function.Function<Windows, Split> train,
                                 java.util.function.Function<Windows, Split> valid) {
        tech.tablesaw.api.Table mulvar = Ridership.multivariate(Ridership.load());
        String[] columns = Ridership.MULTIVARIATE_COLUMNS.toArray(new String[0]);
        return new Split[] {
            train.apply(Windows.of(Ridership.months(mulvar, "2016-01", "2018-12"), columns).length(RAIL_STEPS)),
            valid.apply(Windows.of(Ridership.months(mulvar, "2019-01", "2019-05"), columns).length(RAIL_STEPS))};
    }

    static Split[] splits(SeriesData d) {
        return new Split[] {d.train(), d.valid()};
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        if ((command.equals("export") || command.equals("train")) && io.github.seqbook.RunMode.isQuick()) {
            throw new IllegalStateException("unset SEQBOOK_QUICK: the benchmark always uses the book's full data");
        }
        switch (args.length == 0 ? "" : args[0]) {
            case "export" -> export(Path.of(args[1]), Arrays.asList(args).subList(2, args.length));
            case "list" -> specs().keySet().forEach(System.out::println);
            case "backend" -> System.out.println(io.github.seqbook.notebook.Chapter.backend());
            case "train" -> train(args[1], Integer.parseInt(args[2]), batchesOption(args));
            case "chart" -> chart(Path.of(args[1]), Path.of(args[2]));
            default -> throw new IllegalArgumentException(
                    "usage: export DIR [MODEL...] | list | train MODEL EPOCHS [--batches N]");
        }
    }

    /** The value of {@code --batches N} after "train MODEL EPOCHS", or 0 (every batch). */
    static int batchesOption(String[] args) {
        if (args.length == 3) {
            return 0;
        }
        if (args.length == 5 && args[3].equals("--batches")) {
            int n = Integer.parseInt(args[4]);
            if (n < 1) {
                throw new IllegalArgumentException("--batches must be at least 1, got " + n);
            }
            return n;
        }
        throw new IllegalArgumentException("usage: train MODEL EPOCHS [--batches N], got " + Arrays.toString(args));
    }

    /** Writes the datasets that {@code models} train on (every dataset when none is named). */
    static void export(Path dir, List<String> models) throws IOException {
        Files.createDirectories(dir);
        Map<String, Spec> specs = specs();
        java.util.Set<String> kinds = new java.util.LinkedHashSet<>();
        for (String name : models.isEmpty() ? specs.keySet() : models) {
            kinds.add(spec(name).data());
        }
        for (String kind : kinds) {
            for (Split s : dataset(kind)) {
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
                .title("Seconds per epoch, DL4J vs PyTorch (batch 32)")
                .xAxisTitle("model").yAxisTitle("s/epoch").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.addSeries("DL4J (seqbook)", names, a);
        chart.addSeries("PyTorch", names, b);
        org.knowm.xchart.BitmapEncoder.saveBitmap(chart, png.toString(), org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
    }

    static Spec spec(String name) {
        Spec spec = specs().get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown model " + name + "; models: " + specs().keySet());
        }
        return spec;
    }

    /**
     * Trains {@code name} for {@code epochs} epochs, batch {@value #BATCH}; {@code batches > 0} limits each epoch to
     * the first {@code batches} batches and the validation to as many windows (a quick check, not s/epoch).
     */
    static void train(String name, int epochs, int batches) {
        Spec spec = spec(name);
        Split[] d = dataset(spec.data());
        Split train = d[0];
        Split valid = d[1];
        if (batches > 0) {
            train = train.head(Math.min(train.size(), batches * BATCH));
            valid = valid.head(Math.min(valid.size(), batches * BATCH));
        }
        History h = spec.trainer().fit(train, valid, epochs, new FitOptions().batchSize(BATCH).out(System.err));
        double[] seconds = h.table().doubleColumn("seconds").asDoubleArray();
        // value_exact: the metric's every digit, to show that a speed change left the numbers bit for bit
        System.out.printf(java.util.Locale.ROOT,
                "{\"side\": \"dl4j\", \"model\": \"%s\", \"params\": %d, \"seconds\": %s, \"s_per_epoch\": %.4f, "
                        + "\"metric\": \"%s\", \"value\": %.6g, \"value_exact\": \"%s\", \"batches\": %d}%n",
                name, h.params(), Arrays.toString(seconds), h.secondsPerEpoch(), spec.metric(),
                h.last(spec.metric()), Double.toString(h.last(spec.metric())), batches);
    }
}
