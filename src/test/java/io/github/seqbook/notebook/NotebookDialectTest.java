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
 * Lints every notebook for the dialect that runs under both IJava and the kernel we install: kernel name
 * {@code java}; magics alone in their cell; only {@code %jars <one path>}; no outputs committed.
 */
class NotebookDialectTest {
    static final Path NOTEBOOKS = Path.of("notebooks");
    static final Pattern JARS = Pattern.compile("%jars [^\\s*?,;:]+\\.jar");

    static Stream<Path> notebooks() throws IOException {
        try (Stream<Path> s = Files.list(NOTEBOOKS)) {
            return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList().stream();
        }
    }

    @Test
    void thereAreNotebooks() throws IOException {
        assertTrue(notebooks().count() >= 1, "no notebooks found in " + NOTEBOOKS.toAbsolutePath());
    }

    @ParameterizedTest
    @MethodSource("notebooks")
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
            boolean hasMagic = code.lines().anyMatch(l -> l.strip().startsWith("%"));
            if (!hasMagic) {
                continue;
            }
            if (code.lines().count() != 1) {
                out.add("cell " + index + ": a magic must be alone in its cell");
            } else if (!JARS.matcher(code).matches()) {
                out.add("cell " + index + ": only '%jars <one path to a .jar>' is allowed, got '" + code + "'");
            }
        }
        return out;
    }

    @Test
    void lintCatchesViolations() throws IOException {
        String bad = """
                {"nbformat": 4, "metadata": {"kernelspec": {"name": "rapaio"}},
                 "cells": [
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%jars a.jar\\n", "int x = 1;"]},
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%maven org:a:1"]},
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%jars lib/*.jar"]},
                  {"cell_type": "code", "execution_count": 3, "outputs": [{}], "source": ["1 + 1"]},
                  {"cell_type": "code", "execution_count": null, "outputs": [], "source": ["%jars ../target/seqbook.jar"]}
                 ]}""";
        List<String> p = problems(new ObjectMapper().readTree(bad));
        assertEquals(5, p.size(), String.join("\n", p));
        assertTrue(p.get(0).contains("kernelspec"));
        assertTrue(p.get(1).contains("alone"));
        assertTrue(p.get(2).contains("only '%jars"));
        assertTrue(p.get(3).contains("only '%jars"));
        assertTrue(p.get(4).contains("outputs"));
        assertFalse(String.join("", p).contains("cell 5"));
    }
}
