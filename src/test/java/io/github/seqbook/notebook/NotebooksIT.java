package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Executes every notebook in quick mode through the real runner ({@code src/scripts/run_notebooks.py}: nbclient
 * and the installed {@code java} kernel), then reads the executed notebooks back and checks what a reader
 * would see: no error, a PNG for every plotting cell, no log noise, and the book's baseline numbers.
 */
class NotebooksIT {
    static final Path OUT = Path.of("target", "it-notebooks");
    static final ObjectMapper JSON = new ObjectMapper();
    static int exitCode;
    static String runnerLog;

    @BeforeAll
    static void runAllNotebooks() throws Exception {
        NotebookRunner.Run run = NotebookRunner.quick(OUT, "[notebooks]", 25);
        exitCode = run.exitCode();
        runnerLog = run.log();
    }

    static Stream<String> notebooks() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("notebooks"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb")).sorted().toList().stream();
        }
    }

    @Test
    void runnerSucceeded() {
        assertEquals(0, exitCode, "run_notebooks.py failed:\n" + runnerLog);
        assertTrue(Files.isRegularFile(OUT.resolve("results.csv")), "merged results.csv missing");
    }

    @Test
    void runnerShowsCellProgressWhileANotebookRuns() {
        // not a terminal here, so progress comes as plain lines: "  cell 3/21, 12 s | Epoch 1/2 - ..."
        Matcher m = Pattern.compile("(?m)^  cell (\\d+)/(\\d+), \\d+ s").matcher(runnerLog);
        assertTrue(m.find(), "no progress line in the runner's output:\n" + runnerLog);
        assertTrue(Integer.parseInt(m.group(1)) <= Integer.parseInt(m.group(2)), m.group());
    }

    @ParameterizedTest
    @MethodSource("notebooks")
    void kernelStaysWithinBindersMemory(String name) throws IOException {
        // the runner records each notebook's kernel peak RSS (Linux VmHWM); Binder gives a notebook 2 GB in all
        String stem = name.replace(".ipynb", "");
        JsonNode peak = JSON.readTree(OUT.resolve("timings.json").toFile()).path(stem).path("quick_kernel_peak_rss_mb");
        assertTrue(peak.isNumber(), "no kernel peak RSS recorded for " + stem);
        // The kernel collects ND4J's dead arrays when its RSS passes JavaCPP's maxPhysicalBytes (setup.sh: heap +
        // 800 MB, 1824m for the default heap); a kernelspec with a larger heap than the default has a larger bound.
        int bound = installedKernelBoundMb();
        int limit = bound > 1900 ? bound + 200 : 2048;
        assertTrue(peak.asInt() > 100 && peak.asInt() < limit, stem + ": kernel peak RSS " + peak.asInt()
                + " MB, limit " + limit + " MB (kernel bound " + bound + " MB)");
        Matcher m = Pattern.compile("kernel peak RSS (\\d+) MB").matcher(runnerLog);
        assertTrue(m.find(), "the runner does not print the kernel's peak RSS:\n" + runnerLog);
    }

    /** The installed {@code java} kernelspec's -Dorg.bytedeco.javacpp.maxPhysicalBytes in MB, or -1. */
    static int installedKernelBoundMb() throws IOException {
        String data = System.getenv().getOrDefault("JUPYTER_DATA_DIR",
                Path.of(System.getProperty("user.home"), ".local", "share", "jupyter").toString());
        Path spec = Path.of(data, "kernels", "java", "kernel.json");
        if (!Files.isRegularFile(spec)) {
            return -1;
        }
        Matcher m = Pattern.compile("maxPhysicalBytes=(\\d+)m").matcher(Files.readString(spec));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @ParameterizedTest
    @MethodSource("notebooks")
    void executedCleanlyWithPlots(String name) throws IOException {
        JsonNode nb = executed(name);
        String stem = name.replace(".ipynb", "");
        assertTrue(Files.size(OUT.resolve(stem + ".html")) > 10_000, "HTML export missing or tiny");
        int index = 0;
        for (JsonNode cell : nb.path("cells")) {
            index++;
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            String source = text(cell.path("source"));
            List<String> types = new ArrayList<>();
            for (JsonNode out : cell.path("outputs")) {
                String type = out.path("output_type").asText();
                assertFalse(type.equals("error"), name + " cell " + index + " failed: " + out.path("ename").asText()
                        + ": " + out.path("evalue").asText());
                String shown = type.equals("stream") ? text(out.path("text")) : text(out.path("data").path("text/plain"));
                assertFalse(shown.contains("\u001b["), name + " cell " + index + " prints ANSI colour codes");
                assertFalse(shown.matches("(?s).*\\b(INFO|WARN|DEBUG)\\b.*org\\.(nd4j|deeplearning4j).*"),
                        name + " cell " + index + " shows log noise: " + shown);
                out.path("data").fieldNames().forEachRemaining(types::add);
            }
            // A plotting cell is one whose last statement is a Plots.* call.
            String last = source.strip().lines().reduce((a, b) -> b).orElse("");
            boolean plots = source.contains("Plots.") && !last.endsWith(";");
            if (plots) {
                assertTrue(types.contains("image/png"), name + " cell " + index + " should show a plot:\n" + source);
            }
        }
    }

    @Test
    void basicRnnsPrintsTheBooksNaiveBaseline() throws IOException {
        // The book prints 0.020211367 for the naive forecast on the validation set.
        assertEquals(0.020211, printedValue("01_basic_rnns.ipynb", "naive forecast, validation MSE: "), 5e-7);
        assertTrue(countImages("01_basic_rnns.ipynb") >= 9);
    }

    @Test
    void severalStepsPrintsTheBooksNaiveBaseline() throws IOException {
        assertEquals(0.256974, printedValue("02_forecasting_several_steps.ipynb", "naive forecast, validation MSE: "), 5e-7);
        String all = allText("02_forecasting_several_steps.ipynb");
        Matcher m = Pattern.compile("actual values inside mean ± 2 std: ([0-9.]+)%").matcher(all);
        assertTrue(m.find(), "MC Dropout coverage not printed");
        double coverage = Double.parseDouble(m.group(1));
        assertTrue(coverage > 0 && coverage <= 100, "coverage " + coverage);
    }

    @Test
    void ridershipPrintsTheBooksNaiveErrors() throws IOException {
        // The book (3rd edition): diff_7.abs().mean() is 43,915.608696 (bus) and 42,143.271739 (rail) for 2019-03..05.
        String all = allText("05_forecasting_ridership.ipynb");
        Matcher m = Pattern.compile("MAE:  bus ([0-9,.]+)  rail ([0-9,.]+) riders per day").matcher(all);
        assertTrue(m.find(), "naive MAE not printed");
        assertEquals(43_915.608696, Double.parseDouble(m.group(1).replace(",", "")), 1e-6);
        assertEquals(42_143.271739, Double.parseDouble(m.group(2).replace(",", "")), 1e-6);
        assertTrue(countImages("05_forecasting_ridership.ipynb") >= 10);
    }

    static JsonNode executed(String name) throws IOException {
        Path p = OUT.resolve(name);
        assertTrue(Files.isRegularFile(p), "no executed notebook " + p + "; runner log:\n" + runnerLog);
        return JSON.readTree(p.toFile());
    }

    static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder sb = new StringBuilder();
            node.forEach(n -> sb.append(n.asText()));
            return sb.toString();
        }
        return node.asText("");
    }

    static String allText(String name) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (JsonNode cell : executed(name).path("cells")) {
            for (JsonNode out : cell.path("outputs")) {
                sb.append(text(out.path("text"))).append(text(out.path("data").path("text/plain"))).append('\n');
            }
        }
        return sb.toString();
    }

    static double printedValue(String name, String label) throws IOException {
        Matcher m = Pattern.compile(Pattern.quote(label) + "([0-9.]+)").matcher(allText(name));
        assertTrue(m.find(), "'" + label + "' not printed by " + name);
        return Double.parseDouble(m.group(1));
    }

    static int countImages(String name) throws IOException {
        int n = 0;
        for (JsonNode cell : executed(name).path("cells")) {
            for (JsonNode out : cell.path("outputs")) {
                if (out.path("data").has("image/png")) {
                    n++;
                }
            }
        }
        return n;
    }
}
