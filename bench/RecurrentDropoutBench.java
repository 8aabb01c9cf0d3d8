import static io.github.seqbook.keras.Keras.adam;
import static io.github.seqbook.keras.Keras.dense;
import static io.github.seqbook.keras.Keras.input;
import static io.github.seqbook.keras.Keras.mse;
import static io.github.seqbook.keras.Keras.sequential;
import static io.github.seqbook.keras.Keras.simpleRnn;
import static io.github.seqbook.keras.Keras.timeDistributed;

import java.util.Locale;
import java.util.function.Supplier;

import io.github.seqbook.RunMode;
import io.github.seqbook.data.SeriesData;
import io.github.seqbook.models.Models;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.Forecasts;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Metrics;
import io.github.seqbook.training.Training;
import io.github.seqbook.training.Uncertainty;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Notebook 02's MC Dropout model (sequence to sequence, SimpleRNN 20-20 + TimeDistributed Dense(10), Adam 0.01)
 * trained with the recurrent dropout of today's notebook (DL4J's per-step input dropout 0.1 and DropConnect 0.02,
 * one mask per batch) against Keras' per-sample masks at the book's rates 0.2/0.2, as notebook 02 does it: validation
 * last-time-step MSE with dropout off, then MC Dropout's mean of 100 passes (seed 42) and the share of actual values
 * inside mean +- 2 std. Single-file program with the jar (or the Maven class path) on the class path:
 *
 *   OMP_NUM_THREADS=1 java -cp target/seqbook.jar bench/RecurrentDropoutBench.java [EPOCHS]
 *
 * SEQBOOK_QUICK=1 trains on 1,000 series (quick mode); EPOCHS defaults to RunMode.epochs(20) (2 in quick mode).
 */
public class RecurrentDropoutBench {
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : RunMode.epochs(20);
        SeriesData data = SeriesData.sequenceToSequence(50, 10);
        System.out.printf(Locale.ROOT, "%s, %d epochs, train %s%n", RunMode.describe(), epochs,
                java.util.Arrays.toString(data.train().x().shape()));
        System.out.println("model | val_last_time_step_mse (dropout off) | MC Dropout mean of 100 | inside +-2 std | s/epoch");
        run("no dropout (reference)", () -> Models.sequenceToSequenceRnn(50, 10), data, epochs);
        run("today: DL4J dropout 0.1 + DropConnect 0.02 (Models builder)",
                () -> Models.sequenceToSequenceRnnWithDropout(50, 10, 0.1, 0.02), data, epochs);
        run("DL4J dropout 0.2 + DropConnect 0.2 (Models builder)",
                () -> Models.sequenceToSequenceRnnWithDropout(50, 10, 0.2, 0.2), data, epochs);
        run("Keras masks dropout 0.2 / recurrent 0.2 (API, the book's rates)", () -> kerasDropout(0.2, 0.2), data, epochs);
        run("Keras masks dropout 0.1 / recurrent 0.02 (API)", () -> kerasDropout(0.1, 0.02), data, epochs);
    }

    static MultiLayerNetwork kerasDropout(double rate, double recurrentRate) {
        return sequential(input(50, 1),
                simpleRnn(20).returnSequences().dropout(rate).recurrentDropout(recurrentRate),
                simpleRnn(20).returnSequences().dropout(rate).recurrentDropout(recurrentRate),
                timeDistributed(dense(10))).compile(adam(0.01), mse()).network();
    }

    static void run(String name, Supplier<MultiLayerNetwork> build, SeriesData data, int epochs) {
        MultiLayerNetwork net = build.get();
        History h = Training.fit(net, data.train(), data.valid(), epochs, new FitOptions().out(null),
                Metrics.LAST_TIME_STEP_MSE);
        double off = h.last("val_last_time_step_mse");
        Uncertainty mc = Forecasts.mcDropout(net, data.valid().x(), 100, 42);
        INDArray actual = Forecasts.lastStep(data.valid().y());
        INDArray mean = Forecasts.lastStep(mc.mean());
        double mcMse = Metrics.mse(actual, mean);
        double inside = Forecasts.coverage(actual, mean, Forecasts.lastStep(mc.std()), 2.0);
        System.out.printf(Locale.ROOT, "%s | %.5f | %.5f | %.1f%% | %.2f%n", name, off, mcMse, 100 * inside,
                h.secondsPerEpoch());
    }
}
