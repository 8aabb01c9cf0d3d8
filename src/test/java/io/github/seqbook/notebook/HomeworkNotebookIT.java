package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Executes the homework notebook ({@code src/test/notebooks/homework.ipynb}: course homework written with the public
 * API only, in sizes the book does not use) in quick mode through the real runner, then checks what a student would
 * see: no error, the windows' and forecasts' shapes, training that lowers the loss, a plot where one is asked for
 * (one feature of the multivariate series too), and {@code summary()} counting parameters as Keras does.
 */
class HomeworkNotebookIT {
    static final Path NOTEBOOK = Path.of("src", "test", "notebooks", "homework.ipynb");
    static final Path OUT = Path.of("target", "it-homework");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The notebook's sizes: windows of 30 steps, 5 steps ahead, 32 units, rows 0-600 train and 600-800 validate. */
    static final int STEPS = 30;
    static final int AHEAD = 5;
    static final int UNITS = 32;
    static int exitCode;
    static String runnerLog;
    static JsonNode executed;

    @BeforeAll
    static void runTheNotebook() throws Exception {
        NotebookRunner.Run run = NotebookRunner.quick(OUT, "[homework]", 10, NOTEBOOK.toString());
        exitCode = run.exitCode();
        runnerLog = run.log();
        Path result = OUT.resolve("homework.ipynb");
        executed = Files.isRegularFile(result) ? JSON.readTree(result.toFile()) : null;
    }

    static JsonNode notebook() {
        assertTrue(executed != null, "no executed notebook in " + OUT + "; runner log:\n" + runnerLog);
        return executed;
    }

    @Test
    void runsWithoutError() {
        assertEquals(0, exitCode, "run_notebooks.py failed:\n" + runnerLog);
        int index = 0;
        for (JsonNode cell : notebook().path("cells")) {
            index++;
            for (JsonNode out : cell.path("outputs")) {
                assertFalse(out.path("output_type").asText().equals("error"), "cell " + index + " failed: "
                        + out.path("ename").asText() + ": " + out.path("evalue").asText());
            }
        }
    }

    @Test
    void printsTheShapesOfWindowsAndForecasts() {
        int train = 600 - STEPS - AHEAD + 1; // windows whose 5 targets lie in rows 0-599
        int valid = 200 - STEPS - AHEAD + 1;
        int trainNext = 600 - STEPS - 1 + 1; // one step ahead
        int validNext = 200 - STEPS - 1 + 1;
        String all = allText();
        for (String expected : List.of(
                String.format("train: X (%d, %d, 1), y (%d, %d)", train, STEPS, train, AHEAD),
                String.format("valid: X (%d, %d, 1), y (%d, %d)", valid, STEPS, valid, AHEAD),
                String.format("forecast (%d, %d)", valid, AHEAD),
                String.format("train: X (%d, %d, 1), y (%d, %d, %d)", train, STEPS, train, STEPS, AHEAD),
                String.format("forecast (%d, %d, %d)", valid, STEPS, AHEAD),
                String.format("train: X (%d, %d, 3), y (%d, 2)", trainNext, STEPS, trainNext),
                String.format("forecast (%d, 2)", validNext))) {
            assertTrue(all.contains(expected), "'" + expected + "' not printed:\n" + all);
        }
    }

    @Test
    void everyFitLowersTheLoss() {
        Pattern epoch = Pattern.compile("Epoch (\\d+)/(\\d+) - [0-9.]+s - loss: ([0-9.]+)");
        int fits = 0;
        for (JsonNode cell : notebook().path("cells")) {
            String text = outputText(cell);
            Matcher m = epoch.matcher(text);
            List<Double> losses = new ArrayList<>();
            while (m.find()) {
                losses.add(Double.parseDouble(m.group(3)));
            }
            if (losses.isEmpty()) {
                continue;
            }
            fits++;
            assertTrue(losses.size() >= 2, "a fit of one epoch cannot show the loss falling:\n" + text);
            assertTrue(losses.get(losses.size() - 1) < losses.get(0), "the loss did not fall:\n" + text);
            if (source(cell).contains("earlyStopping")) {
                Matcher total = epoch.matcher(text);
                assertTrue(total.find());
                int planned = Integer.parseInt(total.group(2));
                // A fit that stopped before its last epoch says so and restores the best weights, as Keras does.
                if (losses.size() < planned) {
                    assertTrue(text.contains("early stopping") && text.contains("Restoring model weights"), text);
                }
            }
        }
        assertEquals(3, fits, "expected the LSTM, the GRU and the multivariate fits");
    }

    @Test
    void summariesCountParametersAsKeras() {
        String all = allText();
        // The book's layers alone on one input feature (Keras' counts; GRU with TF 2's reset_after biases), printed
        // after the three models' summaries, each of which has a "gru (GRU)" or "lstm (LSTM)" row before.
        assertEquals(440, params(all, "simple_rnn (SimpleRNN)", 0));
        assertEquals(1380, params(all, "gru (GRU)", 2));
        assertEquals(1760, params(all, "lstm (LSTM)", 2));
        assertEquals(100, params(all, "conv1d (Conv1D)", 0));
        // The layers composed by hand: LSTM 4u(in + u + 1), GRU 3u(in + u + 2), Dense (in + 1)out.
        int u = UNITS;
        assertEquals(4 * u * (1 + u + 1), params(all, "lstm (LSTM)", 0));
        assertEquals(4 * u * (u + u + 1), params(all, "lstm_1 (LSTM)", 0));
        assertEquals((u + 1) * AHEAD, params(all, "dense (Dense)", 0));
        assertEquals(3 * u * (1 + u + 2), params(all, "gru (GRU)", 0));
        assertEquals(3 * u * (u + u + 2), params(all, "gru_1 (GRU)", 0));
        assertEquals(3 * u * (3 + u + 2), params(all, "gru (GRU)", 1));
        assertEquals(4 * u * (u + u + 1), params(all, "lstm (LSTM)", 1));
        assertEquals((u + 1) * 2, params(all, "dense (Dense)", 1));
        assertTrue(all.contains(String.format("Total params: %,d", 4 * u * (1 + u + 1) + 4 * u * (u + u + 1)
                + (u + 1) * AHEAD)), all);
    }

    @Test
    void plottingCellsShowAPlot() {
        int plots = 0;
        for (JsonNode cell : notebook().path("cells")) {
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            String source = source(cell).strip();
            String last = source.lines().reduce((a, b) -> b).orElse("");
            if (source.contains("Plots.") && !last.endsWith(";")) {
                plots++;
                boolean png = false;
                for (JsonNode out : cell.path("outputs")) {
                    png |= out.path("data").has("image/png");
                }
                assertTrue(png, "no plot from:\n" + source);
            }
        }
        assertEquals(4, plots);
    }

    /**
     * The parameter count on the {@code occurrence}-th summary row (0 = first) that starts with {@code label}, e.g.
     * {@code "gru (GRU)    (None, None, 32)    3360"}.
     */
    static long params(String text, String label, int occurrence) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\\s+\\(.*?\\)\\s+(\\d+)\\s*$").matcher(text);
        for (int i = 0; m.find(); i++) {
            if (i == occurrence) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no summary row #" + occurrence + " '" + label + "' in:\n" + text);
    }

    static String source(JsonNode cell) {
        return NotebooksIT.text(cell.path("source"));
    }

    static String outputText(JsonNode cell) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode out : cell.path("outputs")) {
            sb.append(NotebooksIT.text(out.path("text"))).append(NotebooksIT.text(out.path("data").path("text/plain")))
                    .append('\n');
        }
        return sb.toString();
    }

    static String allText() {
        StringBuilder sb = new StringBuilder();
        for (JsonNode cell : notebook().path("cells")) {
            sb.append(outputText(cell));
        }
        return sb.toString();
    }
}
