package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every fenced command of the README marked {@code <!-- tested -->} (the line right before the fence), from
 * the repository root, and expects exit status 0. The two main commands are not marked: the test suite is the
 * second one, and the first one trains the whole chapter (it is what CI's notebook tests run in quick mode).
 */
class ReadmeCommandsIT {
    static final String MARK = "<!-- tested -->";

    static List<String> markedCommands(List<String> readme) {
        List<String> commands = new ArrayList<>();
        for (int i = 0; i + 1 < readme.size(); i++) {
            if (readme.get(i).strip().equals(MARK) && readme.get(i + 1).startsWith("```")) {
                StringBuilder block = new StringBuilder();
                for (int j = i + 2; j < readme.size() && !readme.get(j).startsWith("```"); j++) {
                    block.append(readme.get(j)).append('\n');
                }
                commands.add(block.toString().strip());
            }
        }
        return commands;
    }

    static Stream<String> commands() throws IOException {
        return markedCommands(Files.readAllLines(Path.of("README.md"))).stream();
    }

    @Test
    void theReadmeMarksCommands() throws IOException {
        assertTrue(commands().count() >= 3, "README.md should mark its runnable commands with " + MARK);
        assertEquals(List.of("echo a\necho b"), markedCommands(List.of("x", MARK, "```bash", "echo a", "echo b", "```",
                "```bash", "not marked", "```")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void commandRuns(String command) throws Exception {
        Path log = Files.createTempFile("readme-command", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", command)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SEQBOOK_QUICK", "1");
        Process p = pb.start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(done, "README command timed out: " + command);
        assertEquals(0, p.exitValue(), "README command failed: " + command + "\n" + output);
    }
}
