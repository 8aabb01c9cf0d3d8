import java.util.Arrays;
import java.util.Locale;

import io.github.seqbook.data.Chorales;
import io.github.seqbook.data.DataFiles;
import io.github.seqbook.models.Bach;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Training speed of exercise 10's Bach model (396,810 parameters, LSTM(256) over 131 steps) on the book's training
 * windows, batch 32: times a few training batches and one validation pass, and prints seconds per batch and the
 * epoch they imply (98 batches, plus the validation pass that fit runs after each epoch). Single-file program:
 * <pre>
 * OMP_NUM_THREADS=1 java -cp target/seqbook.jar bench/BachSpeed.java 6
 * OMP_NUM_THREADS=2 java -cp target/seqbook.jar bench/BachSpeed.java 6
 * </pre>
 * The data come through {@link DataFiles#fromEnvironment()} (set SEQBOOK_DATA_MIRROR offline). The first batch
 * (warm-up) is left out of the mean.
 */
public class BachSpeed {
    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        if (batches < 2) {
            throw new IllegalArgumentException("batches must be >= 2 (the first one is warm-up), got " + batches);
        }
        Chorales.Splits data = Chorales.load().prepare(42);
        MultiLayerNetwork net = Bach.compiledModel().network();
        INDArray x = Training.toNcw(data.train().x());
        INDArray y = Training.toNcw(data.train().y());
        int n = data.train().size();
        int perEpoch = (n + 31) / 32;
        double[] seconds = new double[batches];
        for (int b = 0; b < batches; b++) {
            int from = (b * 32) % (n - 32);
            INDArray bx = x.get(NDArrayIndex.interval(from, from + 32)).dup();
            INDArray by = y.get(NDArrayIndex.interval(from, from + 32)).dup();
            long start = System.nanoTime();
            net.fit(bx, by);
            seconds[b] = (System.nanoTime() - start) / 1e9;
        }
        double perBatch = Arrays.stream(seconds, 1, batches).average().orElseThrow();
        long start = System.nanoTime();
        Training.predict(net, data.valid().x());
        double validation = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s batches=%s%n", System.getenv("OMP_NUM_THREADS"),
                Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 1000) / 1000.0).toArray()));
        System.out.printf(Locale.ROOT, "s/batch %.3f; training s/epoch (%d batches) %.1f; validation pass (%d windows) "
                + "%.1f s; s/epoch with validation %.1f; 20 epochs %.1f min%n", perBatch, perEpoch, perBatch * perEpoch,
                data.valid().size(), validation, perBatch * perEpoch + validation,
                20 * (perBatch * perEpoch + validation) / 60);
    }
}
