package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Lints every notebook ({@code notebooks/} and the test suite's {@code src/test/notebooks/}) for the dialect that
 * runs under the kernel we install, IJava and JJava: kernel name {@code java}; the first code cell is the setup line
 * {@code %classpath <path>/seqbook.jar} alone (one jar, no glob), and it is the only magic; no outputs committed.
 * {@code %jars} is refused: JJava warns that it is deprecated on every run.
 */
class NotebookDialectTest {
    static final Path NOTEBOOKS = Path.of("notebooks");
    /** The notebooks of the test suite (the homework notebook), held to the same dialect. */
    static final Path TEST_NOTEBOOKS = Path.of("src", "test", "notebooks");
    /** The setup line: one path, no glob or list, to the library's jar. */
    static final Pattern SETUP = Pattern.compile("%classpath [^\\s*?,;:]*seqbook\\.jar");

    static Stream<Path> notebooks() throws IOException {
        return notebooksIn(NOTEBOOKS);
    }

    static Stream<Path> allNotebooks() throws IOException {
        return Stream.concat(notebooks(), notebooksIn(TEST_NOTEBOOKS));
    }

    static Stream<Path> notebooksIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList().stream();
        }
    }

    @Test
    void thereAreNotebooks() throws IOException {
        assertTrue(notebooks().count() >= 1, "no notebooks found in " + NOTEBOOKS.toAbsolutePath());
    }

    @ParameterizedTest
    @MethodSource("allNotebooks")
    void followsTheDialect(Path notebook) throws IOException {
        List<String> problems = problems(new ObjectMapper().readTree(notebook.toFile()));
        assertTrue(problems.isEmpty(), notebook + ":\n  " + String.join("\n  ", problems));
    }

    /** Every rule violated by a notebook, one message each (empty when clean). */
    static List<String> problems(JsonNode nb) {
        List<String> out = new ArrayList<>();
        if (!"java".equals(nb.at("/metadata/kernelspec/name").asText())) {
            out.add("kernelspec name must be 'java', got '" + nb.at("/metadata/kernelspec/name").asText() + "'");
        }
        if (nb.path("nbformat").asInt() != 4) {
            out.add("nbformat must be 4");
        }
        int index = 0;
        boolean firstCode = true;
        for (JsonNode cell : nb.path("cells")) {
            index++;
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            StringBuilder src = new StringBuilder();
            cell.path("source").forEach(line -> src.append(line.asText()));
            String code = src.toString().strip();
            if (cell.path("outputs").size() > 0 || !cell.path("execution_count").isNull()) {
                out.add("cell " + index + ": committed with outputs or an execution count");
            }
            boolean setupCell = firstCode;
            firstCode = false;
            if (setupCell && !SETUP.matcher(code).matches()) {
                out.add("cell " + index + ": the first code cell must be the setup line '%classpath ../target/seqbook.jar'"
                        + " alone, got '" + code + "'");
                // and the magic rules below still apply to it
            }
            List<String> magics = code.lines().map(String::strip).filter(l -> l.startsWith("%")).toList();
            if (magics.isEmpty()) {
                continue;
            }
            if (code.lines().count() != 1) {
                out.add("cell " + index + ": a magic must be alone in its cell");
            }
            for (String magic : magics) {
                if (magic.startsWith("%jars")) {
                    out.add("cell " + index + ": '%jars' is deprecated in JJava (it warns on every run); use "
                            + "'%classpath ../target/seqbook.jar'");
                } else if (!setupCell) {
                    out.add("cell " + index + ": the only magic allowed is the setup line in the first code cell, got '"
                            + magic + "'");
                }
            }
        }
        if (firstCode) {
            out.add("no code cell: the first code cell must be the setup line '%classpath ../target/seqbook.jar'");
        }
        return out;
    }

    @Test
    void lintCatchesViolations() throws IOException {
        String bad = """
                {"nbformat": 4, "metadata": {"kernelspec": {"name": "rapaio"}},
                 "cells": [
                  {"cell_type": "markdown", "source": ["# title"]},
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%jars ../target/seqbook.jar"]},
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%classpath a.jar\\n", "int x = 1;"]},
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%maven org:a:1"]},
                  {"cell_type": "code", "execution_count": 3, "outputs": [{}], "source": ["1 + 1"]},
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["int y = 2;"]}
                 ]}""";
        List<String> p = problems(new ObjectMapper().readTree(bad));
        assertEquals(7, p.size(), String.join("\n", p));
        assertTrue(p.get(0).contains("kernelspec"), p.get(0));
        assertTrue(p.get(1).startsWith("cell 2: the first code cell must be the setup line"), p.get(1));
        assertTrue(p.get(2).startsWith("cell 2: '%jars' is deprecated"), p.get(2));
        assertTrue(p.get(3).startsWith("cell 3: a magic must be alone"), p.get(3));
        assertTrue(p.get(4).startsWith("cell 3: the only magic allowed is the setup line"), p.get(4));
        assertTrue(p.get(5).startsWith("cell 4: the only magic allowed is the setup line"), p.get(5));
        assertTrue(p.get(6).startsWith("cell 5:") && p.get(6).contains("outputs"), p.get(6));
        assertFalse(String.join("", p).contains("cell 6"));
    }

    @Test
    void lintAcceptsTheSetupLineAndRefusesVariants() throws IOException {
        String template = """
                {"nbformat": 4, "metadata": {"kernelspec": {"name": "java"}},
                 "cells": [{"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%s"]},
                           {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["int x = 1;"]}]}""";
        ObjectMapper json = new ObjectMapper();
        assertEquals(List.of(), problems(json.readTree(template.formatted("%classpath ../target/seqbook.jar"))));
        for (String bad : List.of("%classpath ../target/*.jar", "%classpath ../target/other.jar",
                "%classpath a.jar:../target/seqbook.jar", "%jar ../target/seqbook.jar", "int x = 0;")) {
            assertFalse(problems(json.readTree(template.formatted(bad))).isEmpty(), "accepted: " + bad);
        }
        String noCode = """
                {"nbformat": 4, "metadata": {"kernelspec": {"name": "java"}}, "cells": []}""";
        assertEquals(1, problems(json.readTree(noCode)).size());
    }
}
