package io.github.seqbook.notebook;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.seqbook.data.TestData;

/**
 * Runs notebooks in quick mode through the real runner ({@code src/scripts/run_notebooks.py}: nbclient and the
 * installed {@code java} kernel), for the notebook ITs. The runner's output (progress: cell k/N and the newest Epoch
 * line) goes to the test log as it comes, each line prefixed, and is kept in {@code <out>/runner.log}. Notebooks that
 * download data read it from {@link TestData#mirror()} through {@code SEQBOOK_DATA_MIRROR}.
 */
final class NotebookRunner {
    private NotebookRunner() {
    }

    record Run(int exitCode, String log) {
    }

    /**
     * @param out       the runner's --out folder
     * @param prefix    printed before each output line, e.g. {@code [notebooks]}
     * @param minutes   time allowed before the runner is killed and an AssertionError thrown
     * @param notebooks notebook paths; none: every notebooks/*.ipynb
     */
    static Run quick(Path out, String prefix, int minutes, String... notebooks) throws Exception {
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "src/scripts/run_notebooks.py", "--quick",
                "--out", out.toString()));
        command.addAll(List.of(notebooks));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SEQBOOK_QUICK", "1");
        pb.environment().put("SEQBOOK_DATA_MIRROR", TestData.mirror().toString());
        Process p = pb.start();
        StringBuilder all = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println(prefix + " " + line);
                    all.append(line).append('\n');
                }
            } catch (IOException e) {
                all.append("(runner output lost: ").append(e).append(")\n");
            }
        }, "runner-output");
        pump.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the notebook runner did not finish within " + minutes + " minutes:\n" + all);
        }
        pump.join(10_000);
        Files.writeString(out.resolve("runner.log"), all.toString(), StandardCharsets.UTF_8);
        return new Run(p.exitValue(), all.toString());
    }
}
