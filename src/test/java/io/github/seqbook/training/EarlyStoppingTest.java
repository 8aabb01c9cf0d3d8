package io.github.seqbook.training;

import static io.github.seqbook.keras.Keras.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.keras.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Early stopping as Keras' callback, a learning rate per fit, and 4-digit history printing. */
class EarlyStoppingTest {
    static final SeriesData DATA = SeriesData.nextValue(20);

    /** Training targets are the next value; validation targets its negative: the better the fit, the worse val_loss. */
    static Split anti(Split s) {
        return new Split("valid", s.x(), s.y().neg());
    }

    static Sequential linear() {
        return sequential(input(20, 1), flatten(), dense(1)).compile(adam(0.01), mse());
    }

    @Test
    void stopsAfterPatienceAndRestoresTheBestWeights() {
        Sequential model = linear();
        Split train = DATA.train().head(512);
        Split valid = anti(DATA.valid().head(256));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        History h = model.fit(train, valid, 20, new FitOptions().earlyStopping("val_loss", 2, true)
                .out(new PrintStream(printed, true)));
        double[] val = h.valLoss();
        int best = 0;
        for (int i = 1; i < val.length; i++) {
            best = val[i] < val[best] ? i : best;
        }
        // Stopped exactly `patience` epochs after the best one, which is the weights the model now has.
        assertEquals(best + 3, h.epochs(), h.toString());
        assertTrue(h.epochs() < 20, h.toString());
        assertEquals(val[best], model.evaluate(valid).loss(), 1e-6);
        assertTrue(printed.toString().contains("early stopping"), printed.toString());
        assertTrue(printed.toString().contains("Restoring model weights from the end of the best epoch: "
                + (best + 1)), printed.toString());
    }

    @Test
    void withoutRestoringTheLastWeightsStay() {
        Sequential model = linear();
        Split train = DATA.train().head(512);
        Split valid = anti(DATA.valid().head(256));
        History h = model.fit(train, valid, 20, new FitOptions().out(null).earlyStopping("val_loss", 1, false));
        assertTrue(h.epochs() < 20);
        assertEquals(h.last("val_loss"), model.evaluate(valid).loss(), 1e-6);
    }

    @Test
    void aModelThatKeepsImprovingTrainsAllEpochs() {
        History h = linear().fit(DATA.train().head(512), DATA.valid().head(256), 4,
                new FitOptions().out(null).earlyStopping(1));
        assertEquals(4, h.epochs());
    }

    @Test
    void monitoringAMetricThatIsNotRecordedFails() {
        var e = assertThrows(IllegalArgumentException.class, () -> linear().fit(DATA.train().head(64),
                DATA.valid().head(64), 2, new FitOptions().out(null).earlyStopping("val_mae", 1, false)));
        assertTrue(e.getMessage().contains("val_mae") && e.getMessage().contains("val_loss"), e.getMessage());
    }

    @Test
    void aLearningRatePerFitIsTheOneTheUpdaterUses() {
        Split train = DATA.train().head(256);
        Split valid = DATA.valid().head(64);
        Sequential slow = linear();
        Sequential fast = linear();
        INDArray before = slow.network().params().dup();
        slow.fit(train, valid, 1, new FitOptions().out(null).batchSize(256).learningRate(1e-4));
        fast.fit(train, valid, 1, new FitOptions().out(null).batchSize(256).learningRate(1e-2));
        // One Adam step moves every weight by about the learning rate.
        double slowStep = slow.network().params().sub(before).amaxNumber().doubleValue();
        double fastStep = fast.network().params().sub(before).amaxNumber().doubleValue();
        assertEquals(1e-4, slowStep, 2e-5);
        assertEquals(1e-2, fastStep, 2e-3);
    }

    @Test
    void historyPrintsFourSignificantDigits() {
        History h = History.empty("m", 3, "mae");
        var row = h.table().appendRow();
        row.setInt("epoch", 1);
        row.setDouble("loss", 0.0123456);
        row.setDouble("val_loss", 0.00098765);
        row.setDouble("val_mae", 12.345678);
        row.setDouble("seconds", 1.26);
        String s = h.toString();
        assertTrue(s.contains("0.01235") && s.contains("0.0009877") && s.contains("12.35") && s.contains("1.26"), s);
        assertEquals("1.235e-05", History.fourDigits(0.000012345));
        assertArrayEquals(new double[] {0.0123456}, h.loss());
    }
}
