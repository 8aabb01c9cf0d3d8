package io.github.seqbook.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
    @Test
    void bookResultsAreLoaded() {
        // Notebooks 01-04 (20 rows); 05 and 06 add their own (21 for the ridership notebook, 2 for the Bach exercise).
        assertEquals(20, BookResults.all().stream().filter(e -> e.notebook().compareTo("05") < 0).count());
        assertEquals(21, BookResults.all().stream().filter(e -> e.notebook().equals("05")).count());
        assertEquals(2, BookResults.all().stream().filter(e -> e.notebook().equals("06")).count());
        assertEquals(0.020211367, BookResults.find("01", "naive (last value)", "val_mse").orElseThrow().value(), 0);
        assertEquals(0.008560794,
                BookResults.find("03", "LSTM 20-20 seq2seq", "val_last_time_step_mse").orElseThrow().value(), 0);
        assertEquals(2, BookResults.find("04", "original WaveNet (gated units; softmax output as the book)",
                "val_last_time_step_mse").orElseThrow().epochs());
        // The unquoted comma inside a model name, in both files.
        assertEquals(0.0080, BookResults.find("04", "Conv1D(k4 s2)+GRU+GRU seq2seq (Y[:,3::2])",
                "val_last_time_step_mse").orElseThrow().value(), 0);
        assertEquals(115850.426257, BookResults.find("05", "Conv1D(32 k4 s2 relu)+GRU(32)+Dense(14) on Y[:,3::2]",
                "val_mae_riders").orElseThrow().value(), 0);
        // Quoted model names with commas, and the epochs column before the settings.
        var sarima = BookResults.find("05", "SARIMA(1,0,0)(0,1,1,7) refit every day 2019-03-01..2019-05-31 (rail)",
                "mae_riders").orElseThrow();
        assertEquals(32040.720088, sarima.value(), 0);
        assertEquals("ARMA model family", sarima.section());
        assertEquals(500, BookResults.find("05", "linear Dense(1) on 56-day windows (rail)", "val_mae_riders")
                .orElseThrow().epochs());
    }

    @Test
    void csvFieldsHonourQuotes() {
        assertEquals(java.util.List.of("05", "a, b", "c \"d\"", ""), BookResults.fields("05,\"a, b\",\"c \"\"d\"\"\","));
    }

    @Test
    void rowsCarryBookValueAndRatio(@TempDir Path dir) throws Exception {
        Results r = Results.forNotebook("01").add("naive (last value)", "val_mse", 0.0202113669)
                .add("something new", "val_mse", 0.5);
        assertEquals(1.0, r.table().doubleColumn("ratio").getDouble(0), 1e-6);
        assertTrue(Double.isNaN(r.table().doubleColumn("book").getDouble(1)));
        assertTrue(r.toHtml().contains("<td>naive (last value)</td><td>val_mse</td><td>0.02021</td><td>0.02021</td><td>1.00</td>"),
                r.toHtml());
        Path csv = dir.resolve("sub/01.csv");
        r.save(csv);
        var lines = Files.readAllLines(csv);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("notebook,model,metric,this_run,book,ratio"), lines.get(0));
    }
}
