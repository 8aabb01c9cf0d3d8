package io.github.seqbook.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Jupyter's "Interrupt" button interrupts the cell's thread: every long loop of the library must stop on it. */
class InterruptTest {
    static SeriesData data;

    @BeforeAll
    static void data() {
        data = SeriesData.nextValue(50);
    }

    @AfterEach
    void clearFlag() {
        Thread.interrupted(); // a test that interrupts its own thread must not leak the flag
    }

    @Test
    void fitStopsWithinABatchOfAnInterruptAndTheModelStaysUsable() throws Exception {
        MultiLayerNetwork model = Models.deepSimpleRnn(50);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                Training.fit(model, data.train(), data.valid(), 50, new FitOptions().out(null));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        Thread.sleep(1500);
        long t0 = System.nanoTime();
        worker.interrupt();
        worker.join(5000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertFalse(worker.isAlive(), "fit still running 5 s after the interrupt");
        assertTrue(seconds < 1.0, "fit took " + seconds + " s to stop");
        Throwable t = thrown.get();
        assertNotNull(t, "fit ended without an exception although it was interrupted in epoch 1 of 50");
        assertTrue(t instanceof TrainingInterruptedException, "got " + t);
        assertTrue(t.getMessage().matches(".*interrupted in epoch \\d+/50 (after batch \\d+ of 219|while validating.*); "
                + "the model keeps the weights of .*"), t.getMessage());
        // the model is usable afterwards: it predicts finite values and trains on
        INDArray pred = Training.predict(model, data.valid().x());
        assertArrayEquals(new long[] {2000, 1}, pred.shape());
        assertTrue(Double.isFinite(pred.sumNumber().doubleValue()));
        History more = Training.fit(model, data.train().head(64), data.valid().head(64), 1, new FitOptions().out(null));
        assertEquals(1, more.epochs());
    }

    @Test
    void anInterruptBeforeFitStopsItBeforeTheFirstBatch() {
        MultiLayerNetwork model = Models.linear(50, 1);
        INDArray before = model.params().dup();
        Thread.currentThread().interrupt();
        var e = assertThrows(TrainingInterruptedException.class,
                () -> Training.fit(model, data.train(), data.valid(), 3, new FitOptions().out(null)));
        assertTrue(e.getMessage().equals("fit: interrupted before epoch 1/3; the model is unchanged"), e.getMessage());
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag must stay set");
        Thread.interrupted();
        assertEquals(before, model.params(), "no batch ran, so the weights must be unchanged");
    }

    @Test
    void predictEvaluateForecastsAndMcDropoutStopOnAnInterrupt() {
        MultiLayerNetwork model = Models.deepRnnDenseOutput(50, 1);
        INDArray x = data.valid().x();
        Thread.currentThread().interrupt();
        assertTrue(assertThrows(TrainingInterruptedException.class, () -> Training.predict(model, x))
                .getMessage().startsWith("predict: interrupted after 0 of 2000 series"));
        assertThrows(TrainingInterruptedException.class, () -> Training.evaluate(model, data.valid()));
        assertTrue(assertThrows(TrainingInterruptedException.class, () -> Forecasts.forecastAhead(model, x, 10))
                .getMessage().startsWith("forecastAhead: interrupted after 0 of 10 steps"));
        assertTrue(assertThrows(TrainingInterruptedException.class, () -> Forecasts.mcDropout(model, x, 100, 42))
                .getMessage().startsWith("mcDropout: interrupted after 0 of 100 samples"));
        Thread.interrupted();
        assertArrayEquals(new long[] {2000, 1}, Training.predict(model, x).shape(), "usable once the flag is cleared");
    }
}
