import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.layers.KerasGlorotUniform;
import io.github.seqbook.layers.OrthogonalInit;
import io.github.seqbook.models.Models;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Metrics;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's own recurrent layers against this library's KerasSimpleRnn and KerasLstm, in one process (single-file
 * program, run with the jar or the Maven class path):
 *
 *   java -cp CP bench/LayerSpeedBench.java compare [EPOCHS]   ms per training batch and 2-epoch runs, old vs new
 *   java -cp CP bench/LayerSpeedBench.java long EPOCHS        deepRnnDenseOutput(50, 1) on the new layer
 *
 * "Old" models are the chapter's models as Models built them on DL4J's SimpleRnn and LSTM (same seeds, same
 * starting weights); "new" models are Models' current builders.
 */
public class LayerSpeedBench {
    static MultiLayerNetwork build(double lr, Layer... layers) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(Models.BOOK_SEED).dataType(DataType.FLOAT).updater(Models.kerasAdam(lr))
                .list(layers).setInputType(InputType.recurrent(1, 50, RNNFormat.NCW)).build());
        net.init();
        return net;
    }

    static SimpleRnn dl4jSimpleRnn(int units) {
        return new SimpleRnn.Builder().nOut(units).activation(Activation.TANH).weightInit(WeightInit.XAVIER_UNIFORM)
                .weightInitRecurrent(new OrthogonalInit()).dataFormat(RNNFormat.NCW).build();
    }

    static LSTM dl4jLstm(int units) {
        return new LSTM.Builder().nOut(units).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                .forgetGateBiasInit(1.0).weightInit(new KerasGlorotUniform()).weightInitRecurrent(new OrthogonalInit())
                .dataFormat(RNNFormat.NCW).build();
    }

    static MultiLayerNetwork oldDeepRnnDense() {
        return build(Models.KERAS_ADAM_LR, dl4jSimpleRnn(20), new LastTimeStep(dl4jSimpleRnn(20)), Models.denseOutput(1));
    }

    static MultiLayerNetwork oldLstm() {
        return build(Models.KERAS_ADAM_LR, dl4jLstm(20), dl4jLstm(20), Models.timeDistributedDense(10));
    }

    /** Median ms of one training step (fit on one batch of 32), over rounds of {@code reps} steps after warm-up. */
    static double msPerBatch(MultiLayerNetwork net, Split train, int reps) {
        INDArray x = Training.toNcw(train.x().get(NDArrayIndex.interval(0, 32)));
        INDArray y = Training.toNcw(train.y().get(NDArrayIndex.interval(0, 32)));
        for (int i = 0; i < 3 * reps; i++) { // JIT warm-up
            net.fit(x, y);
        }
        double[] rounds = new double[5];
        for (int r = 0; r < rounds.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                net.fit(x, y);
            }
            rounds[r] = (System.nanoTime() - t0) / 1e6 / reps;
        }
        Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }

    static void compare(String name, Supplier<MultiLayerNetwork> old, Supplier<MultiLayerNetwork> now, SeriesData d,
                        boolean sequence, int epochs, int reps) {
        for (String side : new String[] {"old", "new"}) {
            Supplier<MultiLayerNetwork> b = side.equals("old") ? old : now;
            double ms = msPerBatch(b.get(), d.train(), reps);
            MultiLayerNetwork net = b.get();
            History h = sequence
                    ? Training.fit(net, d.train(), d.valid(), epochs, new FitOptions().out(System.err), Metrics.LAST_TIME_STEP_MSE)
                    : Training.fit(net, d.train(), d.valid(), epochs, new FitOptions().out(System.err));
            System.out.printf(Locale.ROOT, "%-14s %-3s layer0=%-14s ms/batch=%7.2f  s/epoch=%s  val_loss=%.6f%s%n",
                    name, side, net.getLayerWiseConfigurations().getConf(0).getLayer().getClass().getSimpleName(), ms,
                    Arrays.toString(h.table().doubleColumn("seconds").asDoubleArray()), h.last("val_loss"),
                    sequence ? String.format(Locale.ROOT, "  val_last_time_step_mse=%.6f", h.last("val_last_time_step_mse")) : "");
            System.out.flush();
        }
    }

    public static void main(String[] args) {
        System.out.println("backend: " + io.github.seqbook.notebook.Chapter.backend() + ", OMP_NUM_THREADS="
                + System.getenv("OMP_NUM_THREADS"));
        switch (args[0]) {
            case "compare" -> {
                int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
                compare("deepRnnDense", LayerSpeedBench::oldDeepRnnDense, () -> Models.deepRnnDenseOutput(50, 1),
                        SeriesData.nextValue(50), false, epochs, 40);
                compare("lstm", LayerSpeedBench::oldLstm, () -> Models.lstm(50, 10),
                        SeriesData.sequenceToSequence(50, 10), true, epochs, 10);
            }
            case "long" -> {
                SeriesData d = SeriesData.nextValue(50);
                History h = Training.fit(Models.deepRnnDenseOutput(50, 1), d.train(), d.valid(),
                        Integer.parseInt(args[1]), new FitOptions().out(System.out));
                System.out.printf(Locale.ROOT, "deepRnnDenseOutput(50, 1), %d epochs: val_loss=%.6f, s/epoch=%.3f%n",
                        h.epochs(), h.last("val_loss"), h.secondsPerEpoch());
            }
            default -> throw new IllegalArgumentException("usage: compare [EPOCHS] | long EPOCHS");
        }
    }
}
