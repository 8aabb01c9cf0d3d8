package io.github.seqbook.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.seqbook.data.SeriesGenerator;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class ModelFilesTest {
    @TempDir
    Path dir;

    @Test
    void savedAndLoadedModelPredictsBitwiseIdentically() throws Exception {
        MultiLayerNetwork net = Models.sequenceToSequenceRnnWithDropout(50, 10, 0.2);
        Path file = ModelFiles.save(net, dir.resolve("m.zip"), false);
        MultiLayerNetwork back = ModelFiles.loadNetwork(file);
        INDArray x = SeriesGenerator.generate(3, 50, 5);
        assertEquals(Training.predict(net, x), Training.predict(back, x));
        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
    }

    @Test
    void neverOverwritesSilently() throws Exception {
        Path file = dir.resolve("m.zip");
        Files.writeString(file, "precious");
        assertThrows(FileAlreadyExistsException.class, () -> ModelFiles.save(Models.linear(50, 1), file, false));
        assertEquals("precious", Files.readString(file));
        ModelFiles.save(Models.linear(50, 1), file, true);
        assertTrue(Files.size(file) > 100);
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file may be left behind");
        }
    }

    @Test
    void truncatedOrMissingFilesGiveClearErrors() throws Exception {
        Path file = ModelFiles.save(Models.linear(50, 1), dir.resolve("m.zip"), false);
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.loadNetwork(truncated));
        assertTrue(e.getMessage().contains("truncated, corrupt") && e.getMessage().contains("truncated.zip"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.loadNetwork(dir.resolve("none.zip")));
        assertTrue(e.getMessage().contains("no saved model"), e.getMessage());
    }

    @Test
    void customPiecesSurviveJson() {
        MultiLayerConfiguration conf = Models.sequenceToSequenceRnnWithDropout(50, 10, 0.25).getLayerWiseConfigurations();
        String json = conf.toJson();
        assertTrue(json.contains("RecurrentDropConnect") && json.contains("OrthogonalInit"), "custom classes in JSON");
        assertEquals(conf, MultiLayerConfiguration.fromJson(json));
        MultiLayerConfiguration linear = Models.linear(50, 10).getLayerWiseConfigurations();
        assertEquals(linear, MultiLayerConfiguration.fromJson(linear.toJson()));
    }

    /**
     * Models saved before the layers' engine moved to {@code io.github.seqbook.layers.engine} still load and compute
     * what they computed then. The fixtures (src/test/resources/models/saved-before-engine-move) hold one network of
     * every custom recurrent layer (with recurrent DropConnect, Keras' Glorot and orthogonal initialisers) and one
     * graph with a gated activation unit and a FlattenSequence, each with its output for
     * {@code SeriesGenerator.generate(2, 7, 3)} as computed at the time (commit before "layers: engine apart").
     * Only configuration classes appear in DL4J's JSON, so they keep their package.
     */
    @Test
    void modelsSavedBeforeTheEngineMoveStillLoad() throws Exception {
        INDArray x = SeriesGenerator.generate(2, 7, 3);
        Path recurrent = fixture("recurrent_layers.zip");
        MultiLayerNetwork net = ModelFiles.loadNetwork(recurrent);
        INDArray expected = org.nd4j.linalg.factory.Nd4j.readBinary(fixture("recurrent_layers_output.bin").toFile());
        assertEquals(expected, Training.toNcw(Training.predict(net, x)));
        var graph = ModelFiles.loadGraph(fixture("graph_pieces.zip"));
        INDArray graphExpected = org.nd4j.linalg.factory.Nd4j.readBinary(fixture("graph_pieces_output.bin").toFile());
        assertEquals(graphExpected, Training.predict(graph, x));
    }

    private Path fixture(String name) throws Exception {
        // Copied out of the classpath: loading needs a file.
        Path file = dir.resolve(name);
        try (var in = getClass().getResourceAsStream("/models/saved-before-engine-move/" + name)) {
            Files.copy(java.util.Objects.requireNonNull(in, name), file);
        }
        return file;
    }

    @Test
    void chapterModelNames() {
        assertTrue(ModelFiles.chapterModel("deep_rnn_dense").toString().endsWith("deep_rnn_dense.zip"));
        assertThrows(IllegalArgumentException.class, () -> ModelFiles.chapterModel("../x"));
    }
}
