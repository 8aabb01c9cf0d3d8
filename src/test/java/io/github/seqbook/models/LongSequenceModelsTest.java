package io.github.seqbook.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.Training;
import io.github.seqbook.layers.KerasGlorotUniform;
import io.github.seqbook.layers.OrthogonalInit;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The builders of "Handling Long Sequences": sizes as Keras' model.summary(), Keras initialisation, and that they train. */
class LongSequenceModelsTest {
    private static SeriesData data;

    @BeforeAll
    static void data() {
        data = SeriesData.sequenceToSequence(50, 10);
    }

    private static Map<String, Supplier<MultiLayerNetwork>> builders() {
        Map<String, Supplier<MultiLayerNetwork>> m = new LinkedHashMap<>();
        m.put("deepRnnWithBatchNorm", () -> Models.deepRnnWithBatchNorm(50, 10));
        m.put("layerNormRnn", () -> Models.layerNormRnn(50, 10));
        m.put("customRnn", () -> Models.customRnn(50, 10));
        m.put("lstm", () -> Models.lstm(50, 10));
        m.put("gru", () -> Models.gru(50, 10));
        return m;
    }

    @Test
    void parameterCountsEqualKeras() {
        // Keras model.summary() totals: 440 + 80 + 820 + 80 + 210 (BatchNormalization counts its moving statistics).
        assertEquals(1630, Models.deepRnnWithBatchNorm(50, 10).numParams());
        assertEquals(80, Models.deepRnnWithBatchNorm(50, 10).getLayer(1).numParams());
        // LNSimpleRNNCell(20): 440 + 40 on 1 input, 820 + 40 on 20 inputs.
        assertEquals(480 + 860 + 210, Models.layerNormRnn(50, 10).numParams());
        assertEquals(480 + 860 + 210, Models.customRnn(50, 10).numParams());
        // LSTM(20): 4 * (1*20 + 20*20 + 20) = 1760 on 1 input, 3280 on 20.
        MultiLayerNetwork lstm = Models.lstm(50, 10);
        assertEquals(1760, lstm.getLayer(0).numParams());
        assertEquals(1760 + 3280 + 210, lstm.numParams());
        // GRU(20), reset_after=True: 3 * (1*20 + 20*20 + 2*20) = 1380 on 1 input, 2520 on 20.
        MultiLayerNetwork gru = Models.gru(50, 10);
        assertEquals(1380, gru.getLayer(0).numParams());
        assertEquals(1380 + 2520 + 210, gru.numParams());
    }

    @Test
    void everyModelMapsSeriesToSequencesOfForecasts() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 50);
        builders().forEach((name, b) -> assertArrayEquals(new long[] {4, 10, 50}, b.get().output(x).shape(), name));
    }

    @Test
    void customRnnStartsAsTheLayerNormRnn() {
        MultiLayerNetwork ln = Models.layerNormRnn(50, 10);
        MultiLayerNetwork custom = Models.customRnn(50, 10);
        assertEquals(ln.params(), custom.params());
        INDArray x = Training.toNcw(data.valid().head(20).x());
        assertTrue(ln.output(x).equalsWithEps(custom.output(x), 1e-5));
    }

    @Test
    void lstmHasKerasInitialisation() {
        MultiLayerNetwork net = Models.lstm(50, 10);
        INDArray w = net.getLayer(0).getParam("W");
        double limit = Math.sqrt(6.0 / (1 + 80)); // Keras' glorot_uniform on a [1, 80] kernel
        assertTrue(w.amaxNumber().doubleValue() <= limit && w.amaxNumber().doubleValue() > 0.8 * limit,
                "max |W| " + w.amaxNumber() + " vs limit " + limit);
        INDArray rw = net.getLayer(0).getParam("RW");
        assertTrue(rw.mmul(rw.transpose()).equalsWithEps(Nd4j.eye(20).castTo(rw.dataType()), 1e-5), "orthogonal rows");
        INDArray b = net.getLayer(0).getParam("b");
        assertEquals(20.0, b.sumNumber().doubleValue(), 1e-6, "forget-gate biases 1, all others 0");
        assertEquals(20, b.eq(1.0).castTo(DataType.INT).sumNumber().intValue());
    }

    @Test
    void lstmComputesWhatItComputedOnDl4jLstm() {
        // Models.lstm was built on DL4J's LSTM (gates g, f, o, i) before KerasLstm: same seed, same function.
        Layer[] dl4j = new Layer[3];
        for (int i = 0; i < 2; i++) {
            dl4j[i] = new LSTM.Builder().nOut(20).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                    .forgetGateBiasInit(1.0).weightInit(new KerasGlorotUniform()).weightInitRecurrent(new OrthogonalInit())
                    .dataFormat(RNNFormat.NCW).build();
        }
        dl4j[2] = Models.timeDistributedDense(10);
        MultiLayerNetwork theirs = Models.build(Models.KERAS_ADAM_LR, 50, Models.BOOK_SEED, dl4j, false);
        MultiLayerNetwork ours = Models.lstm(50, 10);
        assertEquals(theirs.getLayer(2).params(), ours.getLayer(2).params());
        INDArray x = Training.toNcw(data.valid().head(20).x());
        INDArray a = ours.output(x);
        INDArray b = theirs.output(x);
        assertTrue(a.equalsWithEps(b, 1e-6), "max diff " + a.sub(b).amaxNumber());
    }

    @Test
    void batchNormalizationIsKerasLikeAndUsesBatchAndTime() {
        MultiLayerNetwork net = Models.deepRnnWithBatchNorm(50, 10);
        BatchNormalization bn = (BatchNormalization) net.getLayerWiseConfigurations().getConf(1).getLayer();
        assertEquals(0.99, bn.getDecay(), 0.0);
        assertEquals(1e-3, bn.getEps(), 0.0);
        // In training mode the normalized output has, per feature, mean 0 over batch and time together
        // (not per time step), as Keras' BatchNormalization on [batch, steps, features].
        INDArray x = Training.toNcw(data.train().head(64).x());
        INDArray out = net.feedForward(x, true).get(2); // [64, 20, 50]
        INDArray perFeature = out.mean(0, 2);
        assertTrue(perFeature.amaxNumber().doubleValue() < 1e-4, "mean over batch and time: " + perFeature);
        INDArray perStep = out.mean(0);
        assertTrue(perStep.amaxNumber().doubleValue() > 0.05, "per-step means are not forced to 0");
        INDArray variance = out.permute(1, 0, 2).reshape(20, 64 * 50).var(false, 1);
        assertTrue(variance.maxNumber().doubleValue() < 1.0 && variance.minNumber().doubleValue() > 0.9, variance.toString());
    }

    @Test
    void everyModelLearnsInOneShortEpoch() {
        Split train = data.train().head(224);
        Split valid = data.valid().head(300);
        builders().forEach((name, b) -> {
            MultiLayerNetwork net = b.get();
            double before = Training.evaluate(net, valid);
            Training.fit(net, train, valid, 1, new FitOptions().out(null));
            double after = Training.evaluate(net, valid);
            assertTrue(after < before, name + ": validation MSE " + before + " -> " + after);
        });
    }

    @Test
    void savedModelsPredictIdentically() throws Exception {
        INDArray x = Training.toNcw(data.valid().head(5).x());
        for (var e : builders().entrySet()) {
            MultiLayerNetwork net = e.getValue().get();
            Training.fit(net, data.train().head(64), data.valid().head(64), 1, new FitOptions().out(null));
            File f = File.createTempFile(e.getKey(), ".zip");
            f.deleteOnExit();
            ModelSerializer.writeModel(net, f, true);
            MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
            assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations(), e.getKey());
            assertEquals(net.output(x), back.output(x), e.getKey());
            // Training resumes from the saved updater state: one more identical step on both gives identical weights.
            INDArray y = Training.toNcw(data.valid().head(5).y());
            net.fit(x, y);
            back.fit(x, y);
            assertEquals(net.params(), back.params(), e.getKey());
        }
    }
}
