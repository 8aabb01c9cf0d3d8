package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The README's first steps on a machine that has never run them: {@code src/scripts/setup.sh} with an empty
 * {@code HOME} (so an empty Jupyter data folder, no kernelspec, no javacpp cache), run twice, then one notebook in
 * quick mode through the runner with that fresh kernelspec. Maven's local repository is the usual one (passed as
 * {@code MAVEN_OPTS=-Dmaven.repo.local=...}) so that the kernel jar is not downloaded again.
 *
 * <p>Every earlier green run had a kernelspec left by an earlier run; this test is what catches a script that only
 * works on top of its own result (setup.sh once died silently with exit status 2 when kernel.json was missing).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshSetupIT {
    static Path home;
    static Path kernelDir;

    @BeforeAll
    static void emptyHome() throws IOException {
        home = Files.createTempDirectory("seqbook-fresh-home");
        kernelDir = home.resolve(".local/share/jupyter/kernels/java");
    }

    @AfterAll
    static void removeHome() throws IOException {
        if (home != null && Files.exists(home)) {
            try (Stream<Path> all = Files.walk(home)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs a command with HOME pointing at the empty folder and no Jupyter path variables from the caller. */
    static Result run(int minutes, String... command) throws Exception {
        Path log = Files.createTempFile("fresh-setup", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        for (String v : List.of("JUPYTER_DATA_DIR", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR",
                "SEQBOOK_KERNEL_XMX")) {
            env.remove(v);
        }
        String repo = System.getProperty("seqbook.m2", System.getProperty("user.home") + "/.m2/repository");
        env.put("MAVEN_OPTS", "-Dmaven.repo.local=" + repo);
        Process p = pb.start();
        boolean done = p.waitFor(minutes, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(done, String.join(" ", command) + " did not finish within " + minutes + " minutes:\n" + out);
        return new Result(p.exitValue(), out);
    }

    record Result(int exit, String output) {
    }

    @Test
    @Order(1)
    void setupInstallsTheKernelspecIntoAnEmptyHome() throws Exception {
        assertFalse(Files.exists(kernelDir), "the home must start empty");
        Result r = run(10, "bash", "src/scripts/setup.sh");
        assertEquals(0, r.exit(), "setup.sh failed on an empty HOME:\n" + r.output());
        assertTrue(r.output().contains("kernelspec 'java' in " + kernelDir), r.output());
        JsonNode spec = new ObjectMapper().readTree(kernelDir.resolve("kernel.json").toFile());
        String argv = spec.path("argv").toString();
        assertTrue(argv.contains("SafeKernelLauncher") && argv.contains("-Xmx1g") && argv.contains("{connection_file}"),
                argv);
        // the native-memory bound that keeps a notebook's kernel within Binder's 2 GB: heap + 800 MB
        assertTrue(argv.contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=1824m") && argv.contains("-XX:+UseSerialGC")
                && argv.contains("-XX:SurvivorRatio=2"),
                argv);
        assertEquals("java", spec.path("language").asText());
        assertTrue(Files.size(kernelDir.resolve("rjk.jar")) > 1_000_000, "kernel jar missing");
        assertTrue(Files.isRegularFile(kernelDir.resolve("launcher/SafeKernelLauncher.class")), "launcher not compiled");
        assertTrue(Files.isRegularFile(kernelDir.resolve("init.jshell")), "init script missing");
    }

    @Test
    @Order(2)
    void aSecondRunFindsEverythingUpToDate() throws Exception {
        Result r = run(5, "bash", "src/scripts/setup.sh");
        assertEquals(0, r.exit(), "setup.sh failed on its own result:\n" + r.output());
        assertTrue(r.output().contains("setup.sh: up to date; kernelspec 'java' in " + kernelDir), r.output());
    }

    @Test
    @Order(3)
    void jupyterListsTheFreshKernelspec() throws Exception {
        Result r = run(2, "/usr/bin/python3", "-c", "from jupyter_client.kernelspec import KernelSpecManager as K; "
                + "print(K().get_kernel_spec('java').resource_dir)");
        assertEquals(0, r.exit(), r.output());
        assertEquals(kernelDir.toString(), r.output().strip(), "Jupyter must find the kernelspec in the new home");
    }

    @Test
    @Order(4)
    void aNotebookRunsWithTheFreshKernel() throws Exception {
        Path out = home.resolve("out");
        Result r = run(10, "/usr/bin/python3", "src/scripts/run_notebooks.py", "--quick", "--out", out.toString(),
                "notebooks/01_basic_rnns.ipynb");
        assertEquals(0, r.exit(), "notebook 01 failed with the fresh kernelspec:\n" + r.output());
        assertTrue(r.output().contains("1/1 notebooks ok"), r.output());
        JsonNode nb = new ObjectMapper().readTree(out.resolve("01_basic_rnns.ipynb").toFile());
        for (JsonNode cell : nb.path("cells")) {
            for (JsonNode o : cell.path("outputs")) {
                assertFalse("error".equals(o.path("output_type").asText()), "cell error: " + o);
            }
        }
    }

    @Test
    void aFailingStepIsNamedNotASilentExitStatus() throws Exception {
        Path script = Files.createTempFile(home, "fails", ".sh");
        Files.writeString(script, String.join("\n", "set -euo pipefail",
                "source \"" + Path.of("src/scripts/lib/errtrap.sh").toAbsolutePath() + "\"",
                "step \"read the old heap size\"",
                "grep -o Xmx \"$HOME/no-such-kernel.json\" | head -n1",
                "echo never", ""));
        Result r = run(1, "bash", script.toString());
        assertEquals(2, r.exit(), r.output());
        assertFalse(r.output().contains("never"), r.output());
        assertTrue(r.output().contains(script.getFileName() + ": step \"read the old heap size\" failed at line 4 "
                + "(exit 2): grep -o Xmx \"$HOME/no-such-kernel.json\" | head -n1"), r.output());
    }
}
