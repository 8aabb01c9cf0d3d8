package io.github.seqbook.models;

import static io.github.seqbook.keras.Keras.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.keras.Sequential;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelFiles#loadOrFit}: trains once, then reuses the saved weights and history. */
class LoadOrFitTest {
    @TempDir
    Path dir;

    static Sequential small() {
        return sequential(input(ANY_LENGTH, 1), simpleRnn(4), dense(1)).compile(adam(), mse());
    }

    @Test
    void trainsOnceThenReusesTheWeightsAndTheHistory() {
        SeriesData data = SeriesData.nextValue(20);
        Split train = data.train().head(256);
        Split valid = data.valid().head(64);
        Path file = dir.resolve("saved/small.zip");
        AtomicInteger fits = new AtomicInteger();
        Sequential first = small();
        History trained = ModelFiles.loadOrFit(first, file, () -> {
            fits.incrementAndGet();
            return first.fit(train, valid, 2, new FitOptions().out(null));
        });
        assertEquals(1, fits.get());
        assertTrue(Files.isRegularFile(file));
        assertTrue(Files.isRegularFile(dir.resolve("saved/small.zip.history.csv")));

        Sequential second = small();
        assertNotEquals(first.network().params(), second.network().params(), "a fresh model starts untrained");
        History reused = ModelFiles.loadOrFit(second, file, () -> {
            fits.incrementAndGet();
            return second.fit(train, valid, 2);
        });
        assertEquals(1, fits.get(), "not trained again");
        assertEquals(first.network().params(), second.network().params());
        assertEquals(2, reused.epochs());
        assertArrayEquals(trained.valLoss(), reused.valLoss(), 1e-6);
        assertEquals(trained.secondsPerEpoch(), reused.secondsPerEpoch(), 1e-6);
    }

    @Test
    void anotherArchitectureIsRefused() {
        Path file = dir.resolve("m.zip");
        Sequential model = small();
        ModelFiles.loadOrFit(model, file, () -> model.fit(SeriesData.nextValue(20).train().head(64),
                SeriesData.nextValue(20).valid().head(32), 1, new FitOptions().out(null)));
        Sequential bigger = sequential(input(ANY_LENGTH, 1), simpleRnn(8), dense(1)).compile(adam(), mse());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.loadOrFit(bigger, file, () -> null));
        assertTrue(e.getMessage().contains("m.zip") && e.getMessage().contains("delete"), e.getMessage());
    }
}
