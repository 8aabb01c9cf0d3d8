package io.github.seqbook.keras;

import static io.github.seqbook.keras.Keras.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Metrics;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

/** The API's layers, losses and optimizers that have no builder in {@code Models} behave as Keras'. */
class KerasLayersTest {
    static final FitOptions QUIET = new FitOptions().out(null);

    @Test
    void layerNormalizationNormalisesEveryStepsFeaturesAndTrains() {
        Sequential m = sequential(input(ANY_LENGTH, 2), simpleRnn(6).returnSequences(), layerNormalization(), dense(1))
                .compile(adam(0.01), mse());
        assertTrue(m.summary().contains("layer_normalization (LayerNormalization) (None, None, 6)"), m.summary());
        assertEquals(12, m.network().getLayer(1).numParams()); // gamma and beta: 2 * 6, as Keras
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 7, 2).subi(0.5);
        // Output of the normalization (NCW [4, 6, 7]): every step's 6 values have mean 0 and variance v / (v + 1e-3).
        List<INDArray> acts = m.network().feedForward(Training.toNcw(x), false);
        INDArray h = acts.get(1).castTo(DataType.DOUBLE);
        INDArray n = acts.get(2).castTo(DataType.DOUBLE);
        INDArray mean = n.mean(1);
        assertTrue(mean.amaxNumber().doubleValue() < 1e-5, "mean " + mean);
        INDArray hv = h.var(false, 1);
        INDArray expected = hv.div(hv.add(1e-3));
        assertTrue(n.var(false, 1).equalsWithEps(expected, 1e-4), "variance");
        Split train = new Split("train", x, Nd4j.rand(DataType.FLOAT, 4, 7, 1));
        History history = m.fit(train, train, 15, QUIET);
        assertTrue(history.loss()[14] < history.loss()[0], "the loss falls: " + history);
    }

    @Test
    void recurrentDropoutIsKerasPerSampleMasksOnTheLayer() {
        Sequential m = sequential(input(ANY_LENGTH, 1), simpleRnn(20).returnSequences(true).dropout(0.2)
                .recurrentDropout(0.2), lstm(8).dropout(0.1), dense(1)).compile(adam(), mse());
        var rnn = (io.github.seqbook.layers.KerasSimpleRnn) m.network().getLayerWiseConfigurations().getConf(0).getLayer();
        assertEquals(0.2, rnn.getInputDropout());
        assertEquals(0.2, rnn.getRecurrentDropout());
        // Not DL4J's per-step input dropout nor the per-batch DropConnect used before.
        assertEquals(null, rnn.getIDropout());
        assertEquals(null, rnn.getWeightNoise());
        var last = (org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep) m.network().getLayerWiseConfigurations()
                .getConf(1).getLayer();
        var lstm = (io.github.seqbook.layers.KerasLstm) last.getUnderlying();
        assertEquals(0.1, lstm.getInputDropout());
        assertEquals(0.0, lstm.getRecurrentDropout());
        assertTrue(m.toString().contains("dropout=0.2, recurrent_dropout=0.2"), m.toString());
        // Identical samples get different masks in training; inference is deterministic.
        INDArray x = Training.toNcw(Nd4j.ones(DataType.FLOAT, 2, 10, 1));
        INDArray train = m.network().output(x, true);
        assertFalse(train.getRow(0).equalsWithEps(train.getRow(1), 1e-6), "per-sample masks");
        INDArray inference = m.network().output(x, false);
        assertEquals(inference.getRow(0), inference.getRow(1));
    }

    @Test
    void cellLayersRefuseDropoutAsKerasDoes() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> rnn(lnSimpleRnnCell(20)).recurrentDropout(0.2));
        assertTrue(e.getMessage().contains("recurrentDropout") && e.getMessage().contains("RNN(cell)"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> myRnn(lnSimpleRnnCell(20)).dropout(0.1));
        assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("MyRNN"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> gru(20).recurrentDropout(1.5));
        assertTrue(e.getMessage().contains("recurrentDropout") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void mcDropoutBandsAreReproducibleForASeed() {
        INDArray x = io.github.seqbook.data.SeriesGenerator.generate(32, 20, 3);
        Split train = new Split("train", x, Nd4j.rand(DataType.FLOAT, 32, 20, 10));
        Sequential m = sequential(input(ANY_LENGTH, 1), simpleRnn(8).returnSequences().dropout(0.2).recurrentDropout(0.2),
                timeDistributed(dense(10))).compile(adam(0.01), mse());
        m.fit(train, train, 1, QUIET);
        var a = io.github.seqbook.training.Forecasts.mcDropout(m.network(), x, 20, 7);
        var b = io.github.seqbook.training.Forecasts.mcDropout(m.network(), x, 20, 7);
        var c = io.github.seqbook.training.Forecasts.mcDropout(m.network(), x, 20, 8);
        assertEquals(a.mean(), b.mean());
        assertEquals(a.std(), b.std());
        assertFalse(a.mean().equals(c.mean()), "another seed, other masks");
        assertTrue(a.std().minNumber().doubleValue() > 0, "every forecast has a spread");
    }

    @Test
    void dropoutLayerDropsInTrainingOnlyOnSequences() {
        Sequential m = sequential(input(ANY_LENGTH, 3), dropout(0.5), dense(3)).compile(adam(), mse());
        MultiLayerNetwork net = m.network();
        INDArray x = Training.toNcw(Nd4j.ones(DataType.FLOAT, 2, 40, 3));
        INDArray dropped = net.feedForward(x, true).get(1);
        INDArray kept = net.feedForward(x, false).get(1);
        assertArrayEquals(new long[] {2, 3, 40}, dropped.shape());
        assertEquals(240.0, kept.sumNumber().doubleValue(), 1e-9);
        double zeros = dropped.eq(0).castTo(DataType.DOUBLE).sumNumber().doubleValue() / dropped.length();
        assertTrue(zeros > 0.3 && zeros < 0.7, "about half the values dropped, got " + zeros);
        assertEquals(2.0, dropped.maxNumber().doubleValue(), 1e-6); // kept values scaled by 1 / (1 - 0.5)
    }

    @Test
    void embeddingLooksUpOneVectorPerToken() {
        Sequential m = sequential(input(5, 1), embedding(10, 4), gru(3)).compile(adam(), mse());
        assertEquals(40, m.network().getLayer(0).numParams()); // input_dim * output_dim, no bias: as Keras
        INDArray w = m.network().getLayer(0).getParam("W");
        assertTrue(w.amaxNumber().doubleValue() <= 0.05, "Keras' uniform(-0.05, 0.05)");
        INDArray tokens = Nd4j.createFromArray(new float[] {1, 2, 3, 2, 1, 9, 9, 0, 0, 4}).reshape(2, 5, 1);
        INDArray emb = m.network().feedForward(Training.toNcw(tokens), false).get(1); // [2, 4, 5]
        assertEquals(w.getRow(2), emb.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1)));
        assertArrayEquals(new long[] {2, 3}, m.predict(tokens).shape());
    }

    /** DL4J's training score for a batch, in Keras' units (mean over steps for sequence outputs). */
    static double trainingLoss(Model net, Split split) {
        MultiLayerNetwork n = (MultiLayerNetwork) net;
        INDArray y = Training.toNcw(split.y());
        double score = n.score(new DataSet(Training.toNcw(split.x()), y), false);
        return y.rank() == 3 ? score / y.size(2) : score;
    }

    @Test
    void theLossTheNetworkTrainsOnIsTheLossReportedAsValLoss() {
        SeriesData data = SeriesData.sequenceToSequence(12, 2);
        Split split = data.valid().head(64);
        for (Loss loss : List.of(mse(), mae(), huber(), huber(0.05))) {
            Sequential m = sequential(input(ANY_LENGTH, 1), simpleRnn(4).returnSequences(), dense(2))
                    .compile(adam(), loss);
            assertEquals(loss.compute(split.y(), m.predict(split.x())), trainingLoss(m.network(), split), 1e-6,
                    loss.name());
        }
        // Classes: the next value's sign, as 0 or 1, at every step.
        Split classes = new Split("valid", split.x(), split.y().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))
                .gt(0).castTo(DataType.FLOAT));
        Sequential c = sequential(input(ANY_LENGTH, 1), simpleRnn(4).returnSequences(), dense(2, "softmax"))
                .compile(adam(0.02), sparseCategoricalCrossentropy(), accuracy());
        assertEquals(Metrics.sparseCategoricalCrossentropy(classes.y(), c.predict(classes.x())),
                trainingLoss(c.network(), classes), 1e-5);
        History h = c.fit(classes, classes, 15, QUIET);
        assertTrue(h.last("val_accuracy") > 0.8, "the sign of the next value is easy to learn: " + h);
    }

    @Test
    void huberGradientIsTheDerivativeOfItsScore() {
        HuberLoss loss = new HuberLoss(0.5);
        INDArray labels = Nd4j.createFromArray(new double[][] {{0.0, 1.0, -2.0}});
        INDArray pre = Nd4j.createFromArray(new double[][] {{0.2, -0.3, -0.1}});
        INDArray grad = loss.computeGradient(labels, pre, new ActivationIdentity(), null);
        for (int j = 0; j < 3; j++) {
            double h = 1e-6;
            INDArray up = pre.dup();
            up.putScalar(0, j, pre.getDouble(0, j) + h);
            INDArray down = pre.dup();
            down.putScalar(0, j, pre.getDouble(0, j) - h);
            double numeric = (loss.computeScore(labels, up, new ActivationIdentity(), null, true)
                    - loss.computeScore(labels, down, new ActivationIdentity(), null, true)) / (2 * h);
            assertEquals(numeric, grad.getDouble(0, j), 1e-6, "output " + j);
        }
        // Quadratic inside delta, linear outside: |0.2| -> 0.02, |1.3| -> 0.525, |1.9| -> 0.825; mean over 3.
        assertEquals((0.02 + 0.525 + 0.825) / 3, loss.computeScore(labels, pre, new ActivationIdentity(), null, true),
                1e-12);
    }

    @Test
    @SuppressWarnings("unchecked")
    void sgdWithMomentumIsKerasClassicalMomentum() {
        SgdMomentum sgd = (SgdMomentum) sgd(0.1, 0.9).updater();
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 2);
        GradientUpdater<SgdMomentum> u = sgd.instantiate(state, true);
        INDArray g1 = Nd4j.createFromArray(new double[][] {{1.0, -2.0}});
        u.applyUpdater(g1, 0, 0);
        // v1 = -0.1 g1; the parameters move by v1, and DL4J subtracts what the updater leaves in the gradient.
        assertArrayEquals(new double[] {0.1, -0.2}, g1.toDoubleVector(), 1e-12);
        INDArray g2 = Nd4j.createFromArray(new double[][] {{0.5, 0.5}});
        u.applyUpdater(g2, 1, 0);
        // v2 = 0.9 v1 - 0.1 g2 = (-0.09 - 0.05, 0.18 - 0.05)
        assertArrayEquals(new double[] {0.14, -0.13}, g2.toDoubleVector(), 1e-12);
    }

    @Test
    void optimizersHaveKerasDefaults() {
        assertEquals(0.001, adam().learningRate(), 0);
        assertEquals(0.001, nadam().learningRate(), 0);
        assertEquals(0.01, sgd().learningRate(), 0);
        assertEquals("Adam(learning_rate=0.01)", adam(0.01).toString());
        Sequential m = sequential(input(10, 1), flatten(), dense(1)).compile(sgd(0.01, 0.9, true), mse());
        assertFalse(m.toString().isEmpty());
        Split s = SeriesData.nextValue(10).valid().head(64);
        for (Optimizer o : List.of(nadam(), sgd(0.05), sgd(0.05, 0.9), sgd(0.05, 0.9, true))) {
            History h = sequential(input(10, 1), flatten(), dense(1)).compile(o, mse()).fit(s, s, 5, QUIET);
            assertTrue(h.loss()[4] < h.loss()[0], o + " lowers the loss: " + h);
        }
    }
}
