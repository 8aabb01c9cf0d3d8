package io.github.seqbook.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same seed, same everything: two separate JVMs build the dataset, the initial weights and train for two epochs;
 * their fingerprints (data sum, initial weights, per-epoch losses) must be identical to the last bit.
 */
class DeterminismTest {

    @ParameterizedTest
    @ValueSource(strings = {"gru", "wavenet"})
    void twoJvmsGiveBitIdenticalRuns(String model) throws Exception {
        String first = runInFreshJvm(model);
        String second = runInFreshJvm(model);
        assertTrue(first.startsWith("data="), first);
        assertEquals(first, second, "two JVMs disagree for " + model);
    }

    static String runInFreshJvm(String model) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                DeterminismTest.class.getName(), model).redirectErrorStream(false).start();
        p.getErrorStream().transferTo(OutputStream.nullOutputStream());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM failed: " + out);
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    /** The child: prints one fingerprint line (exact hex of doubles, so any bit of difference shows). */
    public static void main(String[] args) {
        SeriesData data = SeriesData.sequenceToSequence(50, 10);
        MultiLayerNetwork net = args[0].equals("gru") ? Models.gru(50, 10) : Models.wavenet(50, 10);
        double dataSum = data.train().x().sumNumber().doubleValue() + data.valid().y().sumNumber().doubleValue();
        double initial = net.params().dup().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sumNumber().doubleValue();
        double initialSq = net.params().dup().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .norm2Number().doubleValue();
        History h = Training.fit(net, data.train().head(256), data.valid().head(128), 2, new FitOptions().out(null),
                Metrics.LAST_TIME_STEP_MSE);
        System.out.println("data=" + Double.toHexString(dataSum) + " init=" + Double.toHexString(initial) + "/"
                + Double.toHexString(initialSq) + " loss=" + hex(h.loss()) + " val=" + hex(h.valLoss()));
    }

    static String hex(double[] v) {
        return Arrays.toString(Arrays.stream(v).mapToObj(Double::toHexString).toArray());
    }
}
