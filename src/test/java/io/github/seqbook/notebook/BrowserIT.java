package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The notebook as a reader sees it: Debian's Jupyter Notebook server (classic notebook 6.4, the frontend of
 * Debian 12's {@code jupyter-notebook}) serving the repository, {@code notebooks/01_basic_rnns.ipynb} opened in
 * Debian's headless Chromium (driven by {@code src/test/browser/run_notebook.js} with playwright-core), kernel
 * {@code java}, Cell &gt; Run All in quick mode, then checks on the rendered page: every cell ran, every cell that
 * should print shows output, no error output, every plot an {@code <img>} larger than 100 x 100 px.
 *
 * <p>{@code src/scripts/setup-browser.sh} installs Chromium and the Node packages; where Chromium cannot be
 * installed (not root, no Debian mirror) the tests are skipped with that script's message. The server and the
 * browser are stopped in every case: the kernel is shut down through the server's REST API, the server through
 * {@code /api/shutdown}, then every process it or the browser driver started that is still alive is killed, and
 * the test fails if one survives. Output in {@code target/browser/}: the screenshot {@code 01_basic_rnns.png},
 * {@code report.json} (what the page showed), {@code jupyter-server.log}, {@code browser.log}.
 */
class BrowserIT {
    static final Path OUT = Path.of("target", "browser");
    static final String NOTEBOOK = "notebooks/01_basic_rnns.ipynb";
    static final String KERNEL = "java";
    static final Path SCREENSHOT = OUT.resolve("01_basic_rnns.png");
    static final int RUN_TIMEOUT_S = 600;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static JsonNode report;
    static String browserLog = "";
    static boolean notebookFileChanged;
    static List<String> leftovers = List.of();
    static int kernelsAtEnd = -1;
    static long seconds;
    /** Why the tests are skipped (Chromium cannot be installed here), or null. */
    static String skipReason;

    @BeforeAll
    static void runNotebookInChromium() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(OUT);
        skipReason = setUpBrowser();
        if (skipReason != null) {
            // Each test is then reported as skipped with this reason (an assumption failing in @BeforeAll
            // would show as "Tests run: 0" in the failsafe report, which reads like a pass).
            System.out.println("BrowserIT SKIPPED: " + skipReason);
            return;
        }

        Path notebook = Path.of(NOTEBOOK);
        byte[] notebookBefore = Files.readAllBytes(notebook);
        Files.deleteIfExists(SCREENSHOT);
        Path reportFile = OUT.resolve("report.json");
        Files.deleteIfExists(reportFile);
        JupyterServer server = null;
        try {
            server = JupyterServer.start(OUT);
            Path browserLogFile = OUT.resolve("browser.log");
            ProcessBuilder pb = new ProcessBuilder("node", "src/test/browser/run_notebook.js",
                    "--url", server.baseUrl, "--token", server.token, "--notebook", NOTEBOOK, "--kernel", KERNEL,
                    "--screenshot", SCREENSHOT.toString(),
                    "--profile", OUT.resolve("chromium-profile-" + server.port).toString(),
                    "--timeout-s", String.valueOf(RUN_TIMEOUT_S))
                    .redirectOutput(reportFile.toFile()).redirectError(browserLogFile.toFile());
            Process node = pb.start();
            boolean finished = node.waitFor(RUN_TIMEOUT_S + 240, TimeUnit.SECONDS);
            if (!finished) {
                killTree(node.toHandle());
            }
            browserLog = Files.readString(browserLogFile, StandardCharsets.UTF_8);
            System.out.println(browserLog);
            assertTrue(finished, "the browser driver did not finish within " + (RUN_TIMEOUT_S + 240) + " s:\n"
                    + browserLog);
            String json = Files.readString(reportFile, StandardCharsets.UTF_8).strip();
            assertTrue(!json.isEmpty(), "the browser driver wrote no report (exit " + node.exitValue() + "):\n"
                    + browserLog);
            report = JSON.readTree(json);
            kernelsAtEnd = server.kernelIds().size();
        } finally {
            if (server != null) {
                leftovers = server.stop();
            }
            byte[] notebookAfter = Files.readAllBytes(notebook);
            if (!java.util.Arrays.equals(notebookBefore, notebookAfter)) {
                notebookFileChanged = true; // the frontend saved it: put the committed version back
                Files.write(notebook, notebookBefore);
            }
            seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            System.out.println("BrowserIT: " + seconds + " s in all; screenshot " + SCREENSHOT.toAbsolutePath());
        }
    }

    static String setUpBrowser() throws Exception {
        return setUpBrowser(OUT);
    }

    /**
     * Runs src/scripts/setup-browser.sh (its output in {@code <logDir>/setup-browser.log}). Returns why the tests must
     * be skipped (its exit status 3: Chromium cannot be installed here), or null; any other failure fails the tests.
     */
    static String setUpBrowser(Path logDir) throws Exception {
        Path log = logDir.resolve("setup-browser.log");
        Process p = new ProcessBuilder("bash", "src/scripts/setup-browser.sh").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            killTree(p.toHandle());
            fail("src/scripts/setup-browser.sh did not finish within 20 minutes");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8).strip();
        System.out.println(out);
        if (p.exitValue() == 3) {
            return "headless Chromium cannot be installed on this machine: " + out;
        }
        assertEquals(0, p.exitValue(), "src/scripts/setup-browser.sh failed:\n" + out);
        return null;
    }

    @BeforeEach
    void skipWithoutChromium() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    @AfterAll
    static void noProcessLeft() {
        // checked in a test below as well; printed here so that a failing run still says it
        if (!leftovers.isEmpty()) {
            System.out.println("BrowserIT: processes that had to be killed or survived: " + leftovers);
        }
    }

    @Test
    void kernelJavaRanEveryCell() {
        assertNotNull(report, "no report");
        assertNull(report.path("fatal").isNull() ? null : report.path("fatal").asText(),
                "the page could not be driven to the end:\n" + browserLog);
        assertEquals(KERNEL, report.path("kernel").asText(), "kernel picked in the page");
        List<String> notRun = new ArrayList<>();
        for (JsonNode cell : report.path("cells")) {
            if (cell.path("executionCount").isNull()) {
                notRun.add("cell " + cell.path("index").asInt() + " (prompt '" + cell.path("prompt").asText() + "')");
            }
        }
        assertTrue(notRun.isEmpty(), "cells not executed: " + notRun);
        assertTrue(report.path("cells").size() >= 20, "too few code cells seen: " + report.path("cells").size());
    }

    @Test
    void everyCellShowsOutputAndNoError() {
        assertNotNull(report, "no report");
        List<String> problems = new ArrayList<>();
        for (JsonNode cell : report.path("cells")) {
            String where = "cell " + cell.path("index").asInt() + " " + cell.path("prompt").asText();
            for (JsonNode error : cell.path("errors")) {
                problems.add(where + " shows an error: " + error.asText());
            }
            boolean content = !cell.path("outputText").asText().isBlank() || cell.path("images").size() > 0
                    || cell.path("tables").asInt() > 0;
            if (!onlyImports(cell.path("source").asText()) && (cell.path("outputAreas").asInt() == 0 || !content)) {
                problems.add(where + " has no output:\n" + cell.path("source").asText());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void plotsAreImagesLargerThan100Pixels() {
        assertNotNull(report, "no report");
        List<String> problems = new ArrayList<>();
        int images = 0;
        for (JsonNode cell : report.path("cells")) {
            String where = "cell " + cell.path("index").asInt() + " " + cell.path("prompt").asText();
            String source = cell.path("source").asText();
            String last = source.strip().lines().reduce((a, b) -> b).orElse("");
            boolean plots = source.contains("Plots.") && !last.endsWith(";"); // same rule as NotebooksIT
            if (plots && cell.path("images").size() == 0) {
                problems.add(where + " should show a plot:\n" + source);
            }
            for (JsonNode img : cell.path("images")) {
                images++;
                int w = img.path("naturalWidth").asInt();
                int h = img.path("naturalHeight").asInt();
                if (!img.path("complete").asBoolean() || w <= 100 || h <= 100 || !img.path("visible").asBoolean()) {
                    problems.add(where + ": image " + w + "x" + h + " complete=" + img.path("complete")
                            + " visible=" + img.path("visible"));
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(images >= 9, "expected at least 9 plots, the page shows " + images);
    }

    @Test
    void screenshotSaved() throws IOException {
        assertTrue(Files.isRegularFile(SCREENSHOT), "no screenshot " + SCREENSHOT);
        assertTrue(Files.size(SCREENSHOT) > 50_000, "screenshot suspiciously small: " + Files.size(SCREENSHOT));
    }

    @Test
    void serverBrowserAndKernelStoppedAndNotebookUntouched() {
        assertTrue(leftovers.isEmpty(), "processes still alive after the server was shut down: " + leftovers);
        assertEquals(1, kernelsAtEnd, "kernels running in the server at the end (one: the notebook's)");
        assertTrue(!notebookFileChanged, NOTEBOOK + " was saved by the frontend (restored to its committed bytes)");
    }

    static boolean onlyImports(String source) {
        return source.lines().map(String::strip).filter(l -> !l.isEmpty())
                .allMatch(l -> l.startsWith("import ") || l.startsWith("//"));
    }

    /** Kills a process and every descendant (children first, snapshot taken before any is killed). */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = root.descendants().collect(Collectors.toList());
        all.add(root);
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the caller's checks
            }
        }
    }

    /** Debian's Jupyter Notebook server on 127.0.0.1, a free port and a random token, serving the repository. */
    static final class JupyterServer {
        final Process process;
        final int port;
        final String token;
        final String baseUrl;
        final Path runtimeDir;
        final Set<ProcessHandle> seen = new LinkedHashSet<>();

        private JupyterServer(Process process, int port, String token, Path runtimeDir) {
            this.process = process;
            this.port = port;
            this.token = token;
            this.baseUrl = "http://127.0.0.1:" + port;
            this.runtimeDir = runtimeDir;
        }

        /** @param extraArgs more command-line options for the server, e.g. {@code --NotebookNotary.db_file=:memory:} */
        static JupyterServer start(Path out, String... extraArgs) throws Exception {
            String lastLog = "";
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = freePort();
                byte[] secret = new byte[16];
                new SecureRandom().nextBytes(secret);
                String token = HexFormat.of().formatHex(secret);
                Path runtimeDir = Files.createTempDirectory(out.toAbsolutePath(), "jupyter-runtime-");
                Path configDir = Files.createDirectories(runtimeDir.resolve("config")); // no user config
                List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-m", "notebook", "--no-browser",
                        "--ip=127.0.0.1", "--port=" + port, "--port-retries=0", "--NotebookApp.token=" + token,
                        "--notebook-dir=" + Path.of("").toAbsolutePath(), "--NotebookApp.open_browser=False"));
                if ("root".equals(System.getProperty("user.name"))) {
                    cmd.add("--allow-root");
                }
                cmd.addAll(List.of(extraArgs));
                Path log = out.resolve("jupyter-server.log");
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
                Map<String, String> env = pb.environment();
                env.put("SEQBOOK_QUICK", "1"); // the kernel inherits it: quick mode
                env.remove("SEQBOOK_RESULTS_DIR");
                env.put("JUPYTER_RUNTIME_DIR", runtimeDir.toString());
                env.put("JUPYTER_CONFIG_DIR", configDir.toString());
                JupyterServer server = new JupyterServer(pb.start(), port, token, runtimeDir);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && server.process.isAlive()) {
                    if (server.get("/api/status") != null) {
                        return server;
                    }
                    Thread.sleep(250);
                }
                lastLog = Files.readString(log, StandardCharsets.UTF_8);
                server.stop();
                if (!lastLog.contains("already in use")) {
                    break; // not a port race: do not retry
                }
            }
            throw new AssertionError("the Jupyter Notebook server did not start:\n" + lastLog);
        }

        static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        HttpResponse<String> send(String method, String path) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Authorization", "token " + token).timeout(Duration.ofSeconds(60))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build();
                return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        String get(String path) {
            HttpResponse<String> r = send("GET", path);
            return r != null && r.statusCode() == 200 ? r.body() : null;
        }

        List<String> kernelIds() throws IOException {
            String body = get("/api/kernels");
            List<String> ids = new ArrayList<>();
            if (body != null) {
                for (JsonNode k : JSON.readTree(body)) {
                    ids.add(k.path("id").asText());
                }
            }
            return ids;
        }

        void remember() {
            process.toHandle().descendants().forEach(seen::add);
        }

        /**
         * Shuts every kernel down through the REST API, then the server (/api/shutdown, then SIGTERM, then
         * SIGKILL), then kills whatever it started that is still alive. Returns the processes that were still
         * alive after the orderly shutdown (empty when all went well).
         */
        List<String> stop() {
            remember(); // the kernel JVM runs in a session of its own, but it is still the server's child
            if (process.isAlive()) {
                try {
                    for (String id : kernelIds()) {
                        send("DELETE", "/api/kernels/" + id);
                    }
                } catch (IOException e) {
                    // the server is going away anyway
                }
                remember();
                send("POST", "/api/shutdown");
                waitFor(process.toHandle(), 20);
                if (process.isAlive()) {
                    process.destroy();
                    waitFor(process.toHandle(), 10);
                }
                if (process.isAlive()) {
                    process.destroyForcibly();
                    waitFor(process.toHandle(), 10);
                }
            }
            List<String> left = new ArrayList<>();
            for (ProcessHandle p : seen) {
                waitFor(p, 5);
                if (p.isAlive()) {
                    left.add(p.pid() + " " + p.info().commandLine().orElse("?"));
                    p.destroyForcibly();
                    waitFor(p, 10);
                }
            }
            deleteTree(runtimeDir);
            return left;
        }

        static void waitFor(ProcessHandle p, int seconds) {
            try {
                p.onExit().get(seconds, TimeUnit.SECONDS);
            } catch (Exception e) {
                // still alive: the caller decides
            }
        }

        static void deleteTree(Path dir) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
