package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * Notebook 06's chorales as a reader hears them (exercise 10: "audio you can play in the notebook", issue 15):
 * the notebook runs in quick mode through the real runner into {@code target/it-audio}, then Debian's headless
 * Chromium ({@code src/test/browser/check_audio.js}, playwright-core) opens
 * <ol>
 * <li>the exported {@code 06_exercises.html} as a {@code file://} page, and</li>
 * <li>a copy of the executed {@code 06_exercises.ipynb} ({@code target/it-audio/opened/}) in Debian's Jupyter
 * Notebook server (classic 6.x frontend, as {@link BrowserIT}), first as opened (not trusted: nobody signed it, so
 * its HTML is sanitized), then after File &gt; Trust Notebook (the signature kept in the server's memory only, never
 * in the user's signature database).</li>
 * </ol>
 * In each, every {@code <audio>} element must be a visible player with controls whose source is a
 * {@code data:audio/wav;base64} URI holding 16 kHz 16-bit mono PCM; Chromium must say it can play WAV, reach
 * HAVE_METADATA after {@code load()} without a MediaError, report the duration the WAV holds, decode it (Web Audio)
 * to a sound that is not silent, and move {@code currentTime} past 0 when it plays for 0.3 s (autoplay allowed by a
 * flag, no sound device needed). The page shows the notebook's five players in order: Bach's test chorale 2 (64
 * chords) and the four generated chorales (greedy, temperatures 0.8, 1.0 and 1.5; quick mode: 8 seed chords + 8 new).
 *
 * <p>Skipped, with {@code setup-browser.sh}'s message, where Chromium cannot be installed. Output in
 * {@code target/it-audio/}: the runner's output, {@code audio-file.json} and {@code audio-notebook.json} (what the
 * browser measured), {@code audio-*.log}, screenshots {@code audio-*.png}.
 */
class AudioPlaybackIT {
    static final Path OUT = Path.of("target", "it-audio");
    static final String NOTEBOOK = "notebooks/06_exercises.ipynb";
    static final String STEM = "06_exercises";
    static final int NODE_TIMEOUT_S = 180;

    /** The book's tempo: 160 chords a minute, one beat each, and one more beat for the held last chord. */
    static final double SECONDS_PER_CHORD = 60.0 / 160;
    static final int SAMPLE_RATE = 16_000;
    /** Chords of each player, in the notebook's order: test chorale 2's first 64, then greedy, 0.8, 1.0, 1.5. */
    static final int[] CHORDS = {64, 16, 16, 16, 16};
    static final double TOLERANCE_S = 0.1;

    static NotebookRunner.Run run;
    static JsonNode fileReport;
    static JsonNode notebookReport;
    static List<String> leftovers = List.of();
    static String skipReason;

    @BeforeAll
    static void runNotebookAndOpenItInChromium() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(OUT);
        skipReason = BrowserIT.setUpBrowser(OUT);
        if (skipReason != null) {
            System.out.println("AudioPlaybackIT SKIPPED: " + skipReason);
            return;
        }
        run = NotebookRunner.quick(OUT, "[audio]", 15, NOTEBOOK);
        Path html = OUT.resolve(STEM + ".html");
        if (!Files.isRegularFile(html) || !Files.isRegularFile(OUT.resolve(STEM + ".ipynb"))) {
            return; // reported by the tests
        }
        fileReport = checkAudio("file", List.of("--url", html.toAbsolutePath().toUri().toString()));

        // The executed notebook (it holds the outputs), as a copy: trusting a notebook the page marked as changed
        // saves it first, which must not rewrite the runner's output. Trust is kept in the server's memory only.
        Path executed = Files.createDirectories(OUT.resolve("opened")).resolve(STEM + ".ipynb");
        Files.copy(OUT.resolve(STEM + ".ipynb"), executed, StandardCopyOption.REPLACE_EXISTING);
        BrowserIT.JupyterServer server = BrowserIT.JupyterServer.start(OUT, "--NotebookNotary.db_file=:memory:");
        try {
            String notebookPath = Path.of("").toAbsolutePath().relativize(executed.toAbsolutePath()).toString()
                    .replace('\\', '/');
            notebookReport = checkAudio("notebook", List.of("--url", server.baseUrl + "/notebooks/" + notebookPath,
                    "--token", server.token));
        } finally {
            leftovers = server.stop();
            System.out.printf(Locale.ROOT, "AudioPlaybackIT: %d s in all%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        }
    }

    /** Runs check_audio.js in the given mode; its report, or null when it wrote none (its log says why). */
    static JsonNode checkAudio(String mode, List<String> args) throws Exception {
        Path report = OUT.resolve("audio-" + mode + ".json");
        Path log = OUT.resolve("audio-" + mode + ".log");
        Files.deleteIfExists(report);
        List<String> cmd = new ArrayList<>(List.of("node", "src/test/browser/check_audio.js", "--mode", mode,
                "--profile", OUT.resolve("chromium-profile-" + mode).toString(),
                "--screenshot", OUT.resolve("audio-" + mode + ".png").toString(), "--play-ms", "300"));
        cmd.addAll(args);
        Process node = new ProcessBuilder(cmd).redirectOutput(report.toFile()).redirectError(log.toFile()).start();
        boolean finished = node.waitFor(NODE_TIMEOUT_S, TimeUnit.SECONDS);
        if (!finished) {
            BrowserIT.killTree(node.toHandle());
        }
        String logText = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(logText);
        assertTrue(finished, "check_audio.js (" + mode + ") did not finish within " + NODE_TIMEOUT_S + " s:\n"
                + logText);
        String json = Files.readString(report, StandardCharsets.UTF_8).strip();
        return json.isEmpty() ? null : BrowserIT.JSON.readTree(json);
    }

    @BeforeEach
    void skipWithoutChromium() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    @AfterAll
    static void sayLeftovers() {
        if (!leftovers.isEmpty()) {
            System.out.println("AudioPlaybackIT: processes that had to be killed or survived: " + leftovers);
        }
    }

    @Test
    void notebookRanInQuickMode() {
        assertNotNull(run, "the notebook was not run");
        assertEquals(0, run.exitCode(), "run_notebooks.py failed:\n" + run.log());
        assertTrue(Files.isRegularFile(OUT.resolve(STEM + ".html")), "no exported HTML in " + OUT);
    }

    @Test
    void exportedHtmlPlaysEveryChorale() {
        JsonNode report = page(fileReport, "the exported HTML");
        assertPlayersPlay("the exported HTML", report.path("players"));
    }

    @Test
    void jupyterNotebookPlaysThemAsOpened() {
        JsonNode report = page(notebookReport, "Jupyter Notebook");
        JsonNode untrusted = report.path("untrusted");
        // An executed notebook that nobody signed opens "not trusted"; its players must survive the sanitizer.
        assertTrue(!untrusted.path("trusted").asBoolean(true), "expected the executed notebook to open untrusted");
        assertPlayersPlay("Jupyter Notebook, not trusted", untrusted.path("players"));
    }

    @Test
    void jupyterNotebookPlaysThemWhenTrusted() {
        JsonNode report = page(notebookReport, "Jupyter Notebook");
        assertTrue(report.path("trusted").path("trusted").asBoolean(false),
                "the page is not trusted after File > Trust Notebook: " + report.path("trusted"));
        assertPlayersPlay("Jupyter Notebook, trusted", report.path("players"));
    }

    @Test
    void serverAndBrowserStopped() {
        assertTrue(leftovers.isEmpty(), "processes still alive after the server was shut down: " + leftovers);
    }

    static JsonNode page(JsonNode report, String what) {
        assertNotNull(run, "the notebook was not run");
        assertNotNull(report, what + ": check_audio.js wrote no report (see " + OUT + "/audio-*.log); runner log:\n"
                + run.log());
        assertTrue(report.path("fatal").isNull(), what + ": the page could not be read: " + report.path("fatal"));
        return report;
    }

    /** Every check of the class comment, on every player; all problems reported at once. */
    static void assertPlayersPlay(String where, JsonNode players) {
        List<String> problems = new ArrayList<>();
        StringBuilder measured = new StringBuilder();
        if (players.size() != CHORDS.length) {
            problems.add(String.format(Locale.ROOT, "%d players, expected %d (Bach's chorale and the four generated)",
                    players.size(), CHORDS.length));
        }
        for (int i = 0; i < players.size(); i++) {
            JsonNode p = players.get(i);
            JsonNode h = p.path("header");
            JsonNode d = p.path("decoded");
            JsonNode play = p.path("play");
            String at = "player " + i + ": ";
            measured.append(String.format(Locale.ROOT, "%n  %d: %s header %.3f s, duration %.3f s, readyState %d, "
                    + "decoded %.3f s rms %.3f, played to %.3f s", i, p.path("canPlayType").asText(),
                    h.path("seconds").asDouble(), p.path("duration").asDouble(), p.path("readyState").asInt(),
                    d.path("duration").asDouble(), d.path("rms").asDouble(), play.path("currentTime").asDouble()));
            if (!p.path("srcPrefix").asText().startsWith("data:audio/wav;base64,")) {
                problems.add(at + "source is not a data:audio/wav;base64 URI: " + p.path("srcPrefix").asText());
            }
            if (!h.path("error").isMissingNode()) {
                problems.add(at + "WAV header: " + h.path("error").asText());
            }
            if (h.path("audioFormat").asInt() != 1 || h.path("channels").asInt() != 1
                    || h.path("bitsPerSample").asInt() != 16 || h.path("sampleRate").asInt() != SAMPLE_RATE) {
                problems.add(at + "not 16 kHz 16-bit mono PCM: " + h);
            }
            if (!p.path("controls").asBoolean() || !p.path("visible").asBoolean()) {
                problems.add(at + "no visible player with controls: controls=" + p.path("controls") + " visible="
                        + p.path("visible") + " " + p.path("width") + "x" + p.path("height"));
            }
            if (p.path("canPlayType").asText().isEmpty()) {
                problems.add(at + "canPlayType('audio/wav') is empty");
            }
            if (p.path("readyState").asInt() < 1 || !p.path("error").isNull()) {
                problems.add(at + "after load(): readyState " + p.path("readyState") + ", event "
                        + p.path("event").asText() + ", MediaError " + p.path("error"));
            }
            double header = h.path("seconds").asDouble(Double.NaN);
            double duration = p.path("duration").asDouble(Double.NaN);
            if (!(Math.abs(duration - header) <= TOLERANCE_S)) {
                problems.add(String.format(Locale.ROOT, "%sduration %s s, the WAV holds %s s", at, duration, header));
            }
            if (i < CHORDS.length) {
                double expected = (CHORDS[i] + 1) * SECONDS_PER_CHORD;
                if (!(Math.abs(header - expected) <= 1.0 / SAMPLE_RATE)) {
                    problems.add(String.format(Locale.ROOT, "%sthe WAV holds %s s, expected %s s (%d chords at 160 "
                            + "a minute and the held last one)", at, header, expected, CHORDS[i]));
                }
            }
            if (!d.path("error").isMissingNode() || !(Math.abs(d.path("duration").asDouble(Double.NaN) - header)
                    <= TOLERANCE_S) || !(d.path("rms").asDouble(0) > 0.01)) {
                problems.add(at + "Chromium's decoder: " + d + " (expected " + header + " s, not silent)");
            }
            if (!play.path("error").isMissingNode() || !play.path("mediaError").isNull()
                    || !(play.path("currentTime").asDouble(0) > 0)) {
                problems.add(at + "did not play: " + play);
            }
        }
        System.out.println("AudioPlaybackIT, " + where + ": " + players.size() + " players" + measured);
        assertTrue(problems.isEmpty(), where + ":\n" + String.join("\n", problems) + "\nmeasured:" + measured);
    }
}
