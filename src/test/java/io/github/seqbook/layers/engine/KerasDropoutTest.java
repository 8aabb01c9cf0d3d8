package io.github.seqbook.layers.engine;

import static io.github.seqbook.layers.LayerTesting.maxAbsDiff;
import static io.github.seqbook.layers.LayerTesting.toBatchStepFeature;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.KerasLstm;
import io.github.seqbook.layers.KerasSimpleRnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Keras' dropout in the layers' recorded passes: a training pass computes exactly Keras 2's cell
 * ({@code implementation=1} under recurrent dropout) with the masks the layer drew, written here in plain Java, the
 * same mask at every step; the masks are per sample, 0 or {@code 1 / (1 - rate)}, and drop about {@code rate} of the
 * values.
 */
class KerasDropoutTest {
    static final int IN = 3;
    static final int UNITS = 4;
    static final int STEPS = 6;

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String kind : new String[] {"SimpleRNN", "LSTM", "GRU"}) {
            all.add(Arguments.of(kind, 0.3, 0.0));
            all.add(Arguments.of(kind, 0.0, 0.4));
            all.add(Arguments.of(kind, 0.3, 0.4));
        }
        return all.stream();
    }

    static CustomRecurrentLayer layer(String kind, double inputRate, double recurrentRate) {
        return switch (kind) {
            case "SimpleRNN" -> new KerasSimpleRnn.Builder().nOut(UNITS).inputDropout(inputRate)
                    .recurrentDropout(recurrentRate).build();
            case "LSTM" -> new KerasLstm.Builder().nOut(UNITS).inputDropout(inputRate).recurrentDropout(recurrentRate)
                    .build();
            case "GRU" -> new Gru.Builder().nOut(UNITS).inputDropout(inputRate).recurrentDropout(recurrentRate).build();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static MultiLayerNetwork net(CustomRecurrentLayer layer) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(12345)
                .dataType(DataType.DOUBLE).updater(new NoOp())
                .list(layer, new RnnOutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(IN, STEPS, RNNFormat.NCW)).build());
        net.init();
        Nd4j.getRandom().setSeed(3);
        net.setParams(Nd4j.rand(DataType.DOUBLE, net.params().shape()).muli(1.6).subi(0.8));
        return net;
    }

    static int gates(String kind) {
        return switch (kind) {
            case "LSTM" -> 4;
            case "GRU" -> 3;
            default -> 1;
        };
    }

    @ParameterizedTest(name = "{0} dropout={1} recurrent_dropout={2}")
    @MethodSource("cases")
    void trainingPassIsKerasCellWithTheDrawnMasks(String kind, double inputRate, double recurrentRate) {
        MultiLayerNetwork net = net(layer(kind, inputRate, recurrentRate));
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, IN, STEPS).muli(2).subi(1);
        TimeMajorRnnImpl<?> impl = (TimeMajorRnnImpl<?>) net.getLayer(0);
        for (int pass = 0; pass < 2; pass++) {
            INDArray out = net.feedForwardToLayer(0, x, true).get(1);
            KerasDropout d = impl.dropout();
            int perGate = recurrentRate > 0 ? gates(kind) : 1;
            double[][] inMask = masks(d.inputMask(), inputRate, 5, perGate * IN);
            double[][] recMask = masks(d.recurrentMask(), recurrentRate, 5, perGate * UNITS);
            double[][][] expected = reference(kind, toBatchStepFeature(x), impl, inMask, recMask, perGate);
            double diff = maxAbsDiff(expected, toBatchStepFeature(out));
            assertTrue(diff < 1e-12, "pass " + pass + ": max diff " + diff);
        }
        // Inference: no mask at all, whatever the last training pass drew.
        double[][][] plain = reference(kind, toBatchStepFeature(x), impl, ones(5, IN), ones(5, UNITS), 1);
        double diff = maxAbsDiff(plain, toBatchStepFeature(net.feedForwardToLayer(0, x, false).get(1)));
        assertTrue(diff < 1e-12, "inference: max diff " + diff);
    }

    /** The layer's masks as Java arrays (all ones when the rate is 0), checking their values and shape. */
    static double[][] masks(INDArray mask, double rate, int batch, int width) {
        if (rate == 0) {
            assertNull(mask);
            return ones(batch, width);
        }
        assertArrayEquals(new long[] {batch, width}, mask.shape());
        double[][] m = mask.toDoubleMatrix();
        for (double[] row : m) {
            for (double v : row) {
                assertTrue(v == 0 || Math.abs(v - 1 / (1 - rate)) < 1e-12, "mask value " + v);
            }
        }
        return m;
    }

    static double[][] ones(int batch, int width) {
        double[][] m = new double[batch][width];
        for (double[] row : m) {
            java.util.Arrays.fill(row, 1.0);
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void masksArePerSampleAndDropAboutTheRate(String kind) {
        MultiLayerNetwork net = net(layer(kind, 0.25, 0.4));
        int batch = 400;
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.rand(DataType.DOUBLE, batch, IN, STEPS);
        net.feedForwardToLayer(0, x, true);
        KerasDropout d = ((TimeMajorRnnImpl<?>) net.getLayer(0)).dropout();
        assertDropsAbout(d.inputMask(), 0.25);
        assertDropsAbout(d.recurrentMask(), 0.4);
        // Per sample: the batch's rows are not one mask repeated (as recurrent DropConnect's single mask was).
        INDArray rec = d.recurrentMask();
        long distinct = java.util.stream.IntStream.range(0, batch).mapToObj(i -> rec.getRow(i).toString()).distinct()
                .count();
        // Of the 2^width possible masks (16 for SimpleRNN's 4 units), 400 independent draws show most.
        long possible = Math.min(1L << rec.size(1), batch);
        assertTrue(distinct > possible / 2, distinct + " distinct masks in " + batch + " samples");
        // A new pass draws new masks.
        INDArray before = rec.dup();
        net.feedForwardToLayer(0, x, true);
        assertFalse(before.equals(d.recurrentMask()));
    }

    static Stream<String> kinds() {
        return Stream.of("SimpleRNN", "LSTM", "GRU");
    }

    private static void assertDropsAbout(INDArray mask, double rate) {
        double dropped = mask.eq(0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        // Binomial standard error of the fraction, at most sqrt(0.25 / n); allow 5 of them.
        double tolerance = 5 * Math.sqrt(rate * (1 - rate) / mask.length());
        assertEquals(rate, dropped, tolerance, "fraction dropped");
        assertEquals(1.0, mask.meanNumber().doubleValue(), 5 * Math.sqrt(rate / (1 - rate) / mask.length()),
                "mask mean (the scaling keeps the expectation)");
    }

    // ---- Keras 2's cells with masks, in plain Java ----------------------------------------------------------

    /**
     * The layer's output for {@code x} [batch][step][in] as Keras computes it: gate {@code k}'s products see
     * {@code x ⊙ inMask_k} and {@code h ⊙ recMask_k} (block {@code k} of the masks when {@code perGate > 1}, else the
     * one mask), at every step.
     */
    static double[][][] reference(String kind, double[][][] x, org.deeplearning4j.nn.api.Layer p, double[][] inMask,
                                  double[][] recMask, int perGate) {
        double[][] w = p.getParam("W").toDoubleMatrix();
        double[][] rw = p.getParam("RW").toDoubleMatrix();
        INDArray b = p.getParam("b");
        int g = gates(kind);
        double[][] bias = b.rank() == 2 ? b.toDoubleMatrix() : new double[][] {b.toDoubleVector()};
        double[][][] out = new double[x.length][x[0].length][UNITS];
        for (int n = 0; n < x.length; n++) {
            double[] h = new double[UNITS];
            double[] c = new double[UNITS];
            for (int t = 0; t < x[n].length; t++) {
                // xp[j], rp[j]: input and recurrent products of column j (gate j / UNITS), masked per gate.
                double[] xp = new double[g * UNITS];
                double[] rp = new double[g * UNITS];
                for (int j = 0; j < g * UNITS; j++) {
                    int block = perGate == 1 ? 0 : j / UNITS;
                    xp[j] = bias[0][j];
                    for (int i = 0; i < IN; i++) {
                        xp[j] += x[n][t][i] * inMask[n][block * IN + i] * w[i][j];
                    }
                    rp[j] = bias.length > 1 ? bias[1][j] : 0;
                    for (int k = 0; k < UNITS; k++) {
                        rp[j] += h[k] * recMask[n][block * UNITS + k] * rw[k][j];
                    }
                }
                double[] next = new double[UNITS];
                for (int k = 0; k < UNITS; k++) {
                    switch (kind) {
                        case "SimpleRNN" -> next[k] = Math.tanh(xp[k] + rp[k]);
                        case "LSTM" -> {
                            double i = sigmoid(xp[k] + rp[k]);
                            double f = sigmoid(xp[UNITS + k] + rp[UNITS + k]);
                            double cand = Math.tanh(xp[2 * UNITS + k] + rp[2 * UNITS + k]);
                            double o = sigmoid(xp[3 * UNITS + k] + rp[3 * UNITS + k]);
                            c[k] = f * c[k] + i * cand; // the carry is never masked
                            next[k] = o * Math.tanh(c[k]);
                        }
                        default -> {
                            double z = sigmoid(xp[k] + rp[k]);
                            double r = sigmoid(xp[UNITS + k] + rp[UNITS + k]);
                            double cand = Math.tanh(xp[2 * UNITS + k] + r * rp[2 * UNITS + k]);
                            next[k] = z * h[k] + (1 - z) * cand; // mixes the unmasked previous state
                        }
                    }
                }
                h = next;
                out[n][t] = h.clone();
            }
        }
        return out;
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
